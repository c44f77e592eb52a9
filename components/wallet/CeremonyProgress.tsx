'use client';
import { CEREMONY_STEPS, type CeremonyStepId } from './ceremony';

export function CeremonyProgress({ current }: { current: CeremonyStepId }) {
  const currentIndex = CEREMONY_STEPS.findIndex((s) => s.id === current);
  return (
    <section className="card" aria-labelledby="ceremony-title">
      <h2 id="ceremony-title">Creating your wallet</h2>
      <p className="muted small">Keep this tab open. The key derivation is deliberately slow: it is what protects the keys against password guessing.</p>
      <progress className="ceremony-bar" max={CEREMONY_STEPS.length} value={currentIndex} aria-label="Wallet creation progress" />
      <ol className="ceremony-steps">
        {CEREMONY_STEPS.map((step, i) => {
          const state = i < currentIndex ? 'done' : i === currentIndex ? 'active' : 'todo';
          return (
            <li key={step.id} data-state={state} aria-current={state === 'active' ? 'step' : undefined}>
              <span className="step-icon" aria-hidden="true">
                {state === 'done' ? '✓' : state === 'active' ? <span className="spinner" /> : ''}
              </span>
              <span>{step.label}</span>
              {state === 'done' && <span className="visually-hidden"> (done)</span>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
