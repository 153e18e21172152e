// Pure helpers for the connect screen: the equivalent ffmpeg command for a publish endpoint.
import type { PublishEndpoint } from '../../../shared/sandbox.js';

/** The key-query form of the same URL (kaltura.md 1.2), which ffmpeg's RTMP client sends as OBS would. */
export function keyFormUrl(endpoint: PublishEndpoint): string {
  const [base = '', query = ''] = endpoint.serverUrl.split('?', 2);
  return `${base.replace(/\/+$/, '')}/${endpoint.streamKey}${query ? `?${query}` : ''}`;
}

/** A test-pattern publish to the endpoint: 720p30, 2.5 Mbps H.264 with 2 s GOP, AAC 128 kbps. */
export function ffmpegCommand(endpoint: PublishEndpoint): string {
  return [
    'ffmpeg -re',
    '-f lavfi -i testsrc2=size=1280x720:rate=30',
    '-f lavfi -i sine=frequency=1000:sample_rate=48000',
    '-c:v libx264 -preset veryfast -tune zerolatency -b:v 2500k -maxrate 2500k -bufsize 5000k -g 60 -keyint_min 60',
    '-c:a aac -b:a 128k -ar 48000',
    `-f flv '${keyFormUrl(endpoint)}'`,
  ].join(' \\\n  ');
}
