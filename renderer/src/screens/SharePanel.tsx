// The entry's share panel: the viewer page's link (/watch/<entryId> on the station's LAN address), a QR code of it
// for phones in the room, and an embed snippet. The QR code is drawn here from the link (qrcode, as a data: image).
import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { useSystem } from '../state/context.js';
import { CopyField } from '../components/CopyField.js';

export function watchLink(viewerUrl: string, entryId: string): string {
  return `${viewerUrl.replace(/\/+$/, '')}/watch/${entryId}`;
}

export function embedSnippet(link: string): string {
  return `<iframe src="${link}" width="960" height="540" style="border:0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>`;
}

export function SharePanel({ entryId }: { entryId: string }) {
  const viewerUrl = useSystem((s) => s.info?.viewerUrl ?? null);
  const link = viewerUrl ? watchLink(viewerUrl, entryId) : null;
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setQr(null);
    if (link) {
      QRCode.toDataURL(link, { margin: 1, width: 176, errorCorrectionLevel: 'M' }).then(
        (url) => current && setQr(url),
        () => current && setQr(null),
      );
    }
    return () => {
      current = false;
    };
  }, [link]);
  if (!link) return null;
  const loopback = /^http:\/\/(127\.|localhost|\[::1\])/.test(link);
  return (
    <div className="panel share-panel" data-testid="share-panel">
      <h3>Share with viewers</h3>
      <div className="share-grid">
        <div>
          <CopyField
            label="Viewer page"
            value={link}
            testId="share-link"
            hint={
              loopback
                ? 'Only this computer can open it: start the station with --host 0.0.0.0 (or a LAN address) to share it on the network.'
                : 'Anyone on this network can open it; it plays through Kaltura, from this station.'
            }
          />
          <CopyField label="Embed" value={embedSnippet(link)} testId="share-embed" />
          <p>
            <a href={link} target="_blank" rel="noreferrer" data-testid="share-open">
              Open the viewer page
            </a>
          </p>
        </div>
        {qr && (
          <img
            className="share-qr"
            src={qr}
            width={176}
            height={176}
            alt={`QR code for ${link}`}
            data-testid="share-qr"
          />
        )}
      </div>
    </div>
  );
}
