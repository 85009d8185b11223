"""What the guide says when it refuses or fails a request: one wording for the pages and the
JSON API alike, and how long it asks a client to wait."""

#: Seconds a client is asked to wait after too many requests (the limits are per minute).
RATELIMIT_RETRY_AFTER = 60
#: Seconds a client is asked to wait while the database cannot be reached.
DATABASE_RETRY_AFTER = 30
#: Seconds a client is asked to wait after a render failed.
RENDER_RETRY_AFTER = 60
#: Seconds a client is asked to wait while every render slot is taken (guide/services/downloads).
RENDERS_BUSY_RETRY_AFTER = 5

NO_PERMALINK = "There is no permalink with this slug."
RATE_LIMITED = "Too many requests: please wait a minute and try again."
DATABASE_DOWN = "The guide could not reach its database just now."
BODY_TOO_LARGE = "That request was far larger than any form this site sends; it takes no files."
BAD_FRAMEWORK = "The framework must be “flask” or “django”."
BAD_PAPER = "The paper size must be “a4” or “letter”."
RENDERS_BUSY = "The guide is busy making other pages and downloads just now."
PDF_FAILED = "The PDF summary could not be made just now. Please try again in a minute."
NOTHING_ANSWERED = (
    "Answer at least one question first: with nothing to go on, there is nothing to recommend."
)
CANNOT_STORE = "Something in that request cannot be stored or searched for."
