"""Agency exports, one module per format: `csv_export` (streamed rows), `pdf_export` (one
application), `batch` (a zip of PDFs). `safety` neutralises spreadsheet formulas;
`columns` decides the stable column list shared by every row of an export."""
