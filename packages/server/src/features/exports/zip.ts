import { configure, Uint8ArrayReader, Uint8ArrayWriter, ZipReader, ZipWriter } from '@zip.js/zip.js';

// Personal data leaves Haven only inside an AES-256 encrypted ZIP (WinZip AE-2, which 7-Zip,
// macOS Archive Utility alternatives and Windows tools open), under the requester's password.
configure({ useWebWorkers: false });

/** At least this long: a ZIP can be attacked offline at leisure once it has left the building. */
export const MIN_EXPORT_PASSWORD = 12;

export async function encryptedZip(fileName: string, bytes: Uint8Array, password: string): Promise<Buffer> {
  const writer = new ZipWriter(new Uint8ArrayWriter(), { password, encryptionStrength: 3, zipCrypto: false });
  await writer.add(fileName, new Uint8ArrayReader(bytes));
  return Buffer.from(await writer.close());
}

/** Opens an archive made by encryptedZip (tests, and the CLI's check of what it wrote). */
export async function openEncryptedZip(archive: Uint8Array, password: string): Promise<{ name: string; bytes: Uint8Array }[]> {
  const reader = new ZipReader(new Uint8ArrayReader(archive), { password });
  const entries = await reader.getEntries();
  const files = [];
  for (const entry of entries) {
    if (entry.directory) continue;
    files.push({ name: entry.filename, bytes: await entry.getData(new Uint8ArrayWriter()) });
  }
  await reader.close();
  return files;
}
