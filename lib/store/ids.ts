import { nanoid } from 'nanoid';

/** 22 characters of nanoid's 64-letter URL-safe alphabet: 132 random bits. */
export const recognitionIdLength = 22;
const idPattern = /^[A-Za-z0-9_-]{22}$/;

/** A new unguessable, URL-safe recognition id. */
export function newRecognitionId(): string {
  return nanoid(recognitionIdLength);
}

/** Whether a string has the shape of a recognition id (checked before any lookup). */
export function isRecognitionId(value: string): boolean {
  return idPattern.test(value);
}
