'use client';
import { useEffect, useState } from 'react';

/** A QR code of a BIP21 URI, rendered in the browser (the qrcode library loads on demand). */
export function AddressQr({ address, size = 200 }: { address: string; size?: number }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    void import('qrcode').then((QR) =>
      QR.toDataURL(`bitcoin:${address.toUpperCase()}`, { errorCorrectionLevel: 'M', margin: 1, width: size }).then((url) => {
        if (!cancelled) setSrc(url);
      }),
    );
    return () => {
      cancelled = true;
    };
  }, [address, size]);
  return src ? (
    // eslint-disable-next-line @next/next/no-img-element
    <img src={src} width={size} height={size} alt={`QR code of address ${address}`} className="qr" />
  ) : (
    <div className="qr qr-placeholder" style={{ width: size, height: size }} aria-hidden="true" />
  );
}
