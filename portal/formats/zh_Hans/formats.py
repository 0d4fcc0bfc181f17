# Django's zh_Hans MONTH_DAY_FORMAT is "m月j日", which writes 09月5日; people write 9月5日.
MONTH_DAY_FORMAT = "n月j日"
