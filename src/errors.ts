/** An error a caller can act on: stable dotted code, HTTP status, safe message. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** The record is missing or not the caller's to see; the two are deliberately indistinguishable. */
export function notFound(entity: string): AppError {
  return new AppError(404, `${entity}.not_found`, `${entity.replaceAll("_", " ")} not found`);
}

/** The caller is not logged in, or the session ended. */
export function unauthorized(message = "You must be logged in"): AppError {
  return new AppError(401, "auth.required", message);
}

/** The caller is logged in but their role may not do this. */
export function forbidden(message = "Your role does not allow this"): AppError {
  return new AppError(403, "auth.forbidden", message);
}

/** The record is in a state that does not allow the change. */
export function conflict(code: string, message: string): AppError {
  return new AppError(409, code, message);
}

/** The input is well-formed but unacceptable. */
export function invalid(code: string, message: string, details?: unknown): AppError {
  return new AppError(400, code, message, details);
}
