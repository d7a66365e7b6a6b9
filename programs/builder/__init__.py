"""The visual program builder (issue 19): rules, screens and examples edited as forms.

`rows` turns a rule into form rows and back, `sentences` says what a rule means in plain
language, `forms` holds the server-rendered forms and `views` the admin pages. Nothing here
imports `applicants` or `agencies`.
"""
