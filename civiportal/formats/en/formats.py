"""US English dates, one format everywhere: pages, PDFs, emails and the engine's reasons
all read "March 12, 2026" (Django's default abbreviates months: "Mar. 12, 2026")."""

DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "F j, Y, g:i a"
SHORT_DATE_FORMAT = "m/d/Y"
SHORT_DATETIME_FORMAT = "m/d/Y g:i a"
