"""What the guide says when it refuses or fails a request: one wording for the pages and the
JSON API alike, and how long it asks a client to wait."""

from guide.wording.lazy import gettext_lazy

#: Seconds a client is asked to wait after too many requests (the limits are per minute).
RATELIMIT_RETRY_AFTER = 60
#: Seconds a client is asked to wait while the database cannot be reached.
DATABASE_RETRY_AFTER = 30
#: Seconds a client is asked to wait after a render failed.
RENDER_RETRY_AFTER = 60
#: Seconds a client is asked to wait while every render slot is taken (guide/services/downloads).
RENDERS_BUSY_RETRY_AFTER = 5

NO_PERMALINK = gettext_lazy("There is no permalink with this slug.")
RATE_LIMITED = gettext_lazy("Too many requests: please wait a minute and try again.")
DATABASE_DOWN = gettext_lazy("The guide could not reach its database just now.")
BODY_TOO_LARGE = gettext_lazy(
    "That request was far larger than any form this site sends; it takes no files."
)
BAD_FRAMEWORK = gettext_lazy("The framework must be “flask” or “django”.")
BAD_PAPER = gettext_lazy("The paper size must be “a4” or “letter”.")
RENDERS_BUSY = gettext_lazy("The guide is busy making other pages and downloads just now.")
PDF_FAILED = gettext_lazy(
    "The PDF summary could not be made just now. Please try again in a minute."
)
NOTHING_ANSWERED = gettext_lazy(
    "Answer at least one question first: with nothing to go on, there is nothing to recommend."
)
CANNOT_STORE = gettext_lazy("Something in that request cannot be stored or searched for.")

# The JSON API's refusals that come from below it (Django, the site's middleware).
API_TAKES_JSON = gettext_lazy(
    "The API takes JSON: send the body with Content-Type: application/json "
    "(/api/openapi.json describes each operation's body)."
)
# The JSON API's refusals of a body of the wrong shape: the answers' own shape where the
# answers are what is wrong, else the operation's (a team's title, a member's name...).
API_ANSWERS_SHAPE = gettext_lazy(
    'The answers must be {"answers": {"<question id>": "<choice id>"}}.'
)
API_BODY_SHAPE = gettext_lazy(
    "The body does not have the fields this operation takes: "
    "/api/openapi.json describes them, and each error names one."
)
API_BAD_QUERY = gettext_lazy("A query parameter is not valid.")
API_REFUSALS = {
    400: gettext_lazy("The request was refused: its Host header or its parameters are not valid."),
    403: gettext_lazy("Forbidden."),
    404: gettext_lazy("Not an API address: /api/openapi.json lists them."),
    405: gettext_lazy("That method is not allowed here: the Allow header lists those that are."),
    500: gettext_lazy("Something went wrong on our side; it has been logged."),
}
