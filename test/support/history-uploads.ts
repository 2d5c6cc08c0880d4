import type { HistoryImport } from '../../src/protocol/index.js';
import type { TestClient } from './echotune-server.js';

export interface UploadFile {
  name: string;
  data: Buffer | string;
}

/** POST /api/v1/imports as a browser would: multipart, one form file per upload. */
export async function uploadHistory(
  baseUrl: string,
  token: string,
  files: readonly UploadFile[],
): Promise<{ status: number; body: HistoryImport & { error?: { code: string; message: string } } }> {
  const form = new FormData();
  for (const file of files) {
    form.append(
      'files',
      new Blob([typeof file.data === 'string' ? file.data : new Uint8Array(file.data)]),
      file.name,
    );
  }
  const response = await fetch(`${baseUrl}/api/v1/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: response.status, body: await response.json() };
}

/** Uploads and resolves with the job's last progress event (done or failed) on the listener's socket. */
export async function importHistory(
  baseUrl: string,
  token: string,
  client: TestClient,
  files: readonly UploadFile[],
): Promise<HistoryImport> {
  const { status, body } = await uploadHistory(baseUrl, token, files);
  if (status !== 202) throw new Error(`upload answered ${status}: ${JSON.stringify(body)}`);
  const final = await client.waitFor(
    'import:progress',
    ({ job }) => job.id === body.id && (job.status === 'done' || job.status === 'failed'),
    60_000,
  );
  return final.job;
}

/** Account-data rows (`StreamingHistory_music_N.json`) as a file to upload. */
export function accountDataFile(
  rows: ReadonlyArray<{ endTime: string; artistName: string; trackName: string; msPlayed: number }>,
): UploadFile {
  return { name: 'StreamingHistory_music_0.json', data: JSON.stringify(rows) };
}
