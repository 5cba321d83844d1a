"""A participant's whole record, put together from every app's part: a records request."""
