"""The Excel round trip of the monthly report: the template a unit fills in offline
(``workbook``: build, read, preview) and the download and upload pages (``views``)."""
