// Errors that cross the engine boundary: a code a caller can branch on, and a message for the user.
/** Codes a caller can branch on; every error also carries a message written for the user. */
export type EngineErrorCode =
  | "modelNotFound"
  | "invalidModel"
  | "modelNotLoaded"
  | "sessionNotFound"
  | "notSupported"
  | "outOfMemory"
  | "cancelled"
  | "engineCrashed"
  | "engineUnavailable"
  | "badRequest"
  | "unauthorized"
  /** The caller may not do this (an API request outside what the API's settings allow). */
  | "forbidden"
  | "network"
  | "diskFull"
  | "checksumMismatch"
  | "storeBusy"
  | "internal";

export interface EngineErrorInfo {
  code: EngineErrorCode;
  /** What happened, why, and what to do next. */
  message: string;
  /** The underlying technical message, for the log. */
  detail?: string;
}

/** An error with a code a caller can branch on and a message written for the user. */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly detail: string | undefined;

  constructor(code: EngineErrorCode, message: string, detail?: string) {
    super(message);
    this.name = "EngineError";
    this.code = code;
    this.detail = detail;
  }

  toInfo(): EngineErrorInfo {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }

  static fromInfo(info: EngineErrorInfo): EngineError {
    return new EngineError(info.code, info.message, info.detail);
  }
}

export function isEngineError(error: unknown, code?: EngineErrorCode): error is EngineError {
  return error instanceof EngineError && (code === undefined || error.code === code);
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
