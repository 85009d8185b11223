"""English dates as the guide writes them, day first: "4 December 2026" (Django's own English
formats put the month first). The other languages keep Django's formats for them."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
