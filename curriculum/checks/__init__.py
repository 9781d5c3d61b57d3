"""Knowledge checks: questions an instructor adds to a module, answered by officers on the module's
page, scored on the server only (docs/checks.md).

- `definition`: a check as plain data (`Check`, `Question`, `Option`), read off a module page or a
  bundle, and the rules every check keeps (`problems`), including a translation's agreement with its
  source (`structure_problems`): the admin (`blocks`, the page's `clean`) and the bundle importer ask
  these functions, so the two cannot disagree;
- `blocks`: how an instructor authors one in the Wagtail admin;
- `scoring`: an attempt's answers against a check;
- `attempts`: recording an attempt (once per submitted form, within the attempt limit) and what an
  officer has done so far.
"""
