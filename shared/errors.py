"""One error hierarchy with stable codes, mapped to HTTP in shared.web and to GraphQL in the gateway."""


class AppError(Exception):
    code = "INTERNAL"
    http_status = 500

    def __init__(self, message: str, *, field: str | None = None, details: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details or []

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        if self.details:
            body["details"] = self.details
        return body


class NotFound(AppError):
    code = "NOT_FOUND"
    http_status = 404


class Conflict(AppError):
    code = "CONFLICT"
    http_status = 409


class ValidationFailed(AppError):
    code = "VALIDATION"
    http_status = 422


class MalformedRequest(AppError):
    code = "MALFORMED_REQUEST"
    http_status = 400


class Forbidden(AppError):
    code = "FORBIDDEN"
    http_status = 403


class Unavailable(AppError):
    code = "UNAVAILABLE"
    http_status = 503
