import { MongoServerError } from 'mongodb';

export const duplicateKeyCode = 11000;

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === duplicateKeyCode;
}
