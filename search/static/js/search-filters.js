/* The filter panel of the search page (templates/search/search.html) is a <details>: closed on phones,
 * so the results come first and its summary counts the active filters; open on wide screens, where it
 * is a column beside the results. Without JavaScript it stays closed and opens on demand. */
(function () {
    "use strict";

    var WIDE = "(min-width: 60rem)"; /* the breakpoint of .search-layout--faceted in css/search.css */

    function setup() {
        var panels = document.querySelectorAll("[data-facets-disclosure]");
        if (!panels.length || typeof window.matchMedia !== "function") {
            return;
        }
        var wide = window.matchMedia(WIDE);

        function apply() {
            Array.prototype.forEach.call(panels, function (panel) {
                panel.open = wide.matches;
            });
        }

        apply();
        if (typeof wide.addEventListener === "function") {
            wide.addEventListener("change", apply);
        } else if (typeof wide.addListener === "function") {
            wide.addListener(apply);
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", setup);
    } else {
        setup();
    }
})();
