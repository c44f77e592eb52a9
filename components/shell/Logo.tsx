export function Logo() {
  return (
    <span className="logo" aria-label="Keystead">
      <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M12 2 3 6v6c0 5 3.8 9.3 9 10 5.2-.7 9-5 9-10V6l-9-4Z" fill="currentColor" opacity=".18" />
        <path d="M12 2 3 6v6c0 5 3.8 9.3 9 10 5.2-.7 9-5 9-10V6l-9-4Z" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <circle cx="12" cy="10.5" r="2.6" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <path d="M12 13.1V17m0-1.6h1.8" stroke="currentColor" strokeWidth="1.6" fill="none" strokeLinecap="round" />
      </svg>
      <span>Keystead</span>
    </span>
  );
}
