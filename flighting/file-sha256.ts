/** The sha256 of a file, streamed (snapshots run to gigabytes): what ties a masking report and a flight to the exact bytes they describe. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
