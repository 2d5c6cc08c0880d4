import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EchoError } from '../../errors.js';
import type { HistoryImports, ImportProgressSink, Upload } from '../../listening/index.js';
import {
  errorResponses,
  historyImportSchema,
  historyUploadSchema,
  listenerSecurity,
} from '../rest-schemas.js';

const importParamsSchema = z.object({ id: z.string().min(1).max(100) });
const fileNameSchema = z
  .string()
  .trim()
  .min(1, 'must have a file name')
  .max(200, 'must be at most 200 characters');

export interface ImportRoutesDependencies {
  imports: HistoryImports;
  sink: ImportProgressSink;
  /** Where uploads wait for their import (removed by it). */
  spoolDirectory: string;
  /** Largest file accepted, and most files in one upload. */
  maxFileBytes: number;
  maxFiles: number;
}

/**
 * POST /api/v1/imports takes a Spotify export as multipart form data: the ZIP as downloaded, or any of
 * its JSON history files, under any field name. Each file is spooled to disk as it arrives (never held
 * in memory), then the import runs as a job: 202 with the job, progress on the socket
 * (`import:progress`) and at GET /api/v1/imports/:id.
 */
export async function registerImportRoutes(
  app: FastifyInstance,
  deps: ImportRoutesDependencies,
): Promise<void> {
  await app.register(fastifyMultipart, {
    limits: { fileSize: deps.maxFileBytes, files: deps.maxFiles, fields: 10, parts: deps.maxFiles + 10 },
  });

  const api = app.withTypeProvider<ZodTypeProvider>();
  const uploadSchema = {
    tags: ['listening'],
    security: listenerSecurity,
    summary: 'Imports a Spotify listening-history export; progress on the socket and at the job',
    consumes: ['multipart/form-data'],
    body: historyUploadSchema,
    response: { 202: historyImportSchema, ...errorResponses(400, 401, 409, 413) },
  };
  api.post('/api/v1/imports', { schema: uploadSchema }, async (request, reply) => {
    if (!request.isMultipart()) {
      throw new EchoError(
        'invalid',
        'body: send the export as multipart/form-data (a form file field holding the ZIP or JSON files)',
      );
    }
    const uploads = await spoolUploads(request, deps);
    try {
      const job = await deps.imports.start(request.userId, uploads, deps.sink);
      return reply.status(202).header('location', `/api/v1/imports/${job.id}`).send(job);
    } catch (error) {
      await removeUploads(uploads);
      throw error;
    }
  });

  const jobSchema = {
    tags: ['listening'],
    security: listenerSecurity,
    summary: 'An import job: status, progress and its report',
    params: importParamsSchema,
    response: { 200: historyImportSchema, ...errorResponses(400, 401, 404) },
  };
  api.get('/api/v1/imports/:id', { schema: jobSchema }, async (request) =>
    deps.imports.get(request.userId, request.params.id),
  );
}

async function spoolUploads(request: FastifyRequest, deps: ImportRoutesDependencies): Promise<Upload[]> {
  await mkdir(deps.spoolDirectory, { recursive: true });
  const uploads: Upload[] = [];
  try {
    for await (const part of request.files()) {
      const parsed = fileNameSchema.safeParse(part.filename);
      if (!parsed.success) {
        part.file.resume();
        throw new EchoError('invalid', `files: ${parsed.error.issues[0]?.message ?? 'needs a file name'}`);
      }
      const upload: Upload = {
        fileName: parsed.data,
        path: join(deps.spoolDirectory, `upload-${randomUUID()}`),
        bytes: 0,
      };
      uploads.push(upload);
      await pipeline(part.file, createWriteStream(upload.path));
      upload.bytes = part.file.bytesRead;
    }
  } catch (error) {
    await removeUploads(uploads);
    throw multipartError(error, deps, uploads.at(-1)?.fileName);
  }
  if (uploads.length === 0) {
    throw new EchoError('invalid', 'files: the form holds no file; attach the export ZIP or its JSON files');
  }
  return uploads;
}

function multipartError(error: unknown, deps: ImportRoutesDependencies, fileName = 'files'): unknown {
  if (error instanceof EchoError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    return new EchoError(
      'payload_too_large',
      `${fileName}: is larger than the ${describeMegabytes(deps.maxFileBytes)} upload limit`,
      { cause: error },
    );
  }
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') {
    return new EchoError('payload_too_large', `files: at most ${deps.maxFiles} files in one upload`, {
      cause: error,
    });
  }
  // The parser's own failures (no boundary, a form that ends mid-part) carry no code; a failure of the
  // disk the upload is spooled to carries a syscall, and stays the server's fault.
  const unreadable =
    code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' ||
    code === 'FST_PROTO_VIOLATION' ||
    (error instanceof Error && !('syscall' in error));
  if (unreadable) return new EchoError('invalid', 'body: not a readable multipart form', { cause: error });
  return error;
}

async function removeUploads(uploads: readonly Upload[]): Promise<void> {
  await Promise.all(uploads.map((upload) => rm(upload.path, { force: true })));
}

function describeMegabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
