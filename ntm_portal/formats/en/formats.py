# English pages write dates, numbers and money exactly as the Vietnamese ones (the developers'
# guide: "dates, numbers and money use the Vietnamese formats"), as the data is Vietnamese and
# every value field reads a number the Vietnamese way (criteria.evaluation.parse_value): a page
# writing 31,003,700,000 beside a field holding 31.003.700.000, or 89.1 for a field's 89,1,
# would teach an English reader to type "1,250" for one thousand two hundred and fifty, which
# the field reads, rightly, as 1,25.
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
