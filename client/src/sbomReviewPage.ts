// The SBOM review page's structure, which media/sbomReview/review.js fills. Shared by the webview
// and the browser test (which loads the same script into this same page).

/** The page's structure; review.js fills it. (Shared with the browser test, which loads the same script.) */
export const REVIEW_BODY = `<header id="summary"></header>
<section id="changes"></section>
<div class="controls"><input id="filter" placeholder="Filter: words, or field:value (licence:, supplier:, hash:, purl:, verdict:, source:)" aria-label="Filter components"><select id="verdict" aria-label="Verdict"></select><span id="shown"></span></div>
<div id="head" class="grid head" role="row"></div>
<div id="viewport" role="table"><div id="spacer"></div><div id="rows"></div></div>
<h2>Dependencies</h2>
<div id="graph"></div>`;
