# Django's zh_Hans pads the month ("09月5日"); the documents write 9月5日.
MONTH_DAY_FORMAT = "n月j日"
