// Appealdesk live totaliser for any page: put <div data-appealdesk-totaliser="APPEAL-SLUG"></div>
// where it should appear and load this script from the Appealdesk server. Each such element gets
// the totaliser iframe from the same server; nothing else on the host page is touched.
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var origin = new URL(script.src).origin;
  var places = document.querySelectorAll('[data-appealdesk-totaliser]');
  for (var i = 0; i < places.length; i++) {
    var place = places[i];
    var slug = place.getAttribute('data-appealdesk-totaliser');
    if (place.getAttribute('data-appealdesk-ready') || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(slug)) { continue; }
    place.setAttribute('data-appealdesk-ready', 'yes');
    var frame = document.createElement('iframe');
    frame.src = origin + '/widget/' + slug;
    frame.title = place.getAttribute('data-title') || 'Live appeal total';
    frame.loading = 'lazy';
    // Style through the CSSOM, not a style attribute, so a host page's Content-Security-Policy allows it.
    frame.style.display = 'block';
    frame.style.width = '100%';
    frame.style.height = '10rem';
    frame.style.border = '0';
    place.replaceChildren(frame);
  }
}());
