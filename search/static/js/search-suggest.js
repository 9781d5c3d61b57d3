/* Suggestions as you type in the search box (/api/v1/search/suggest/): a listbox of links under
 * the input, keyboard operable (arrows, Enter, Escape). Text is inserted with textContent only.
 * Without JavaScript the form works as a plain GET form. */
(function () {
    "use strict";

    function setup(container) {
        var input = container.querySelector("input[type=search]");
        var list = container.querySelector("[role=listbox]");
        var url = container.getAttribute("data-suggest-url");
        if (!input || !list || !url) {
            return;
        }
        var timer = null;
        var controller = null;
        var active = -1;

        function options() {
            return Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
        }

        function close() {
            list.hidden = true;
            list.textContent = "";
            input.setAttribute("aria-expanded", "false");
            input.removeAttribute("aria-activedescendant");
            active = -1;
        }

        function highlight(index) {
            var items = options();
            items.forEach(function (item, i) {
                item.setAttribute("aria-selected", i === index ? "true" : "false");
            });
            active = index;
            if (index >= 0 && items[index]) {
                input.setAttribute("aria-activedescendant", items[index].id);
            } else {
                input.removeAttribute("aria-activedescendant");
            }
        }

        function render(suggestions) {
            list.textContent = "";
            suggestions.forEach(function (suggestion, index) {
                var item = document.createElement("li");
                var link = document.createElement("a");
                link.id = "search-suggestion-" + index;
                link.className = "search-suggest__option";
                link.setAttribute("role", "option");
                link.setAttribute("aria-selected", "false");
                link.setAttribute("dir", "auto");
                link.href = suggestion.url;
                link.textContent = suggestion.title;
                item.setAttribute("role", "presentation");
                item.appendChild(link);
                list.appendChild(item);
            });
            list.hidden = suggestions.length === 0;
            input.setAttribute("aria-expanded", suggestions.length ? "true" : "false");
            active = -1;
        }

        function fetchSuggestions() {
            var prefix = input.value.trim();
            if (prefix.length < 2) {
                close();
                return;
            }
            if (controller) {
                controller.abort();
            }
            controller = typeof AbortController === "function" ? new AbortController() : null;
            fetch(url + "?q=" + encodeURIComponent(prefix), {
                credentials: "same-origin",
                headers: { Accept: "application/json" },
                signal: controller ? controller.signal : undefined,
            })
                .then(function (response) {
                    return response.ok ? response.json() : { suggestions: [] };
                })
                .then(function (data) {
                    render(data.suggestions || []);
                })
                .catch(function () {
                    /* aborted or offline: keep the plain form */
                });
        }

        input.addEventListener("input", function () {
            window.clearTimeout(timer);
            timer = window.setTimeout(fetchSuggestions, 150);
        });

        input.addEventListener("keydown", function (event) {
            var items = options();
            if (list.hidden || !items.length) {
                return;
            }
            if (event.key === "ArrowDown") {
                event.preventDefault();
                highlight((active + 1) % items.length);
            } else if (event.key === "ArrowUp") {
                event.preventDefault();
                highlight(active <= 0 ? items.length - 1 : active - 1);
            } else if (event.key === "Enter" && active >= 0) {
                event.preventDefault();
                window.location.assign(items[active].href);
            } else if (event.key === "Escape") {
                close();
            }
        });

        document.addEventListener("click", function (event) {
            if (!container.contains(event.target)) {
                close();
            }
        });
    }

    document.addEventListener("DOMContentLoaded", function () {
        Array.prototype.forEach.call(document.querySelectorAll(".search-suggest"), setup);
    });
})();
