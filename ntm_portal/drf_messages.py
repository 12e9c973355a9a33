"""DRF's own messages, in Vietnamese for a client that asks for it (``Accept-Language: vi``).

DRF ships a Vietnamese catalogue of some twenty entries; the messages an API client meets
(authentication, permissions, throttling, field errors) — and django-filter's, which ships no
Vietnamese at all — are listed here so that
``makemessages`` keeps them in the project catalogue, which Django consults first
(``LOCALE_PATHS``). Nothing imports this module. One DRF message is never translated by DRF
itself ("No data provided", for a body of JSON null): ``api_errors`` answers its own instead.
"""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop("A server error occurred."),
    gettext_noop("Invalid input."),
    gettext_noop("Malformed request."),
    gettext_noop("Incorrect authentication credentials."),
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop("You do not have permission to perform this action."),
    gettext_noop('Method "{method}" not allowed.'),
    gettext_noop("Could not satisfy the request Accept header."),
    gettext_noop('Unsupported media type "{media_type}" in request.'),
    gettext_noop("Request was throttled."),
    gettext_noop("Invalid token header. No credentials provided."),
    gettext_noop("Invalid token header. Token string should not contain spaces."),
    gettext_noop("Invalid token header. Token string should not contain invalid characters."),
    gettext_noop("Invalid token."),
    gettext_noop("User inactive or deleted."),
    gettext_noop("This field is required."),
    gettext_noop("This field may not be null."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Not a valid string."),
    gettext_noop("This field may not be blank."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("A valid integer is required."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("A valid number is required."),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop("Invalid page."),
    gettext_noop("This list may not be empty."),
    gettext_noop("Date has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Expected a date but got a datetime."),
    gettext_noop("Ensure this field has at least {min_length} characters."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("Ensure that there are no more than {max_digits} digits in total."),
    gettext_noop("Ensure that there are no more than {max_decimal_places} decimal places."),
    gettext_noop('Expected a dictionary of items but got type "{input_type}".'),
    gettext_noop("This selection may not be empty."),
    gettext_noop("Not found."),
    gettext_noop("Invalid value."),
    gettext_noop("String value too large."),
]

# django-filter's own messages (it ships no Vietnamese catalogue): a filter's help and errors.
FILTER_MESSAGES = [
    gettext_noop("Multiple values may be separated by commas."),
    gettext_noop("Select a lookup."),
    gettext_noop("Range query expects two values."),
    gettext_noop("Unknown"),
    gettext_noop("%s (descending)"),
    gettext_noop("Ordering"),
]
