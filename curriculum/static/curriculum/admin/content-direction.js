// A page's content edits in its language's direction (Arabic right-to-left). The server gives every
// field of the page form `dir` and `data-content-dir` (curriculum/forms.py); this gives the same
// direction to the text fields the editor adds later in that form: StreamField blocks, list items, the
// rich-text editor. A field that already says its direction keeps it.
(() => {
  const FIELDS = 'input[type="text"], input:not([type]), textarea, [contenteditable="true"]';

  const apply = (form, direction) => {
    form.querySelectorAll(FIELDS).forEach((field) => {
      if (!field.hasAttribute('dir')) field.setAttribute('dir', direction);
    });
  };

  const start = () => {
    document.querySelectorAll('form').forEach((form) => {
      const marker = form.querySelector('[data-content-dir]');
      if (!marker) return;
      const direction = marker.getAttribute('data-content-dir') === 'rtl' ? 'rtl' : 'ltr';
      apply(form, direction);
      new MutationObserver(() => apply(form, direction)).observe(form, { childList: true, subtree: true });
    });
  };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
