import crypto from 'node:crypto';
import fs from 'node:fs';

/** MD5 of a file, streamed (the checksum MedMNIST publishes for its .npz files). */
export async function md5File(file: string): Promise<string> {
  const hash = crypto.createHash('md5');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function md5Bytes(bytes: Uint8Array): string {
  return crypto.createHash('md5').update(bytes).digest('hex');
}
