// The live totaliser inside its iframe: the server rendered the figure; this keeps it fresh from
// the server-sent-event stream (charged money only, refunds already subtracted by the server).
(function () {
  'use strict';
  var total = document.getElementById('total');
  var count = document.getElementById('count');
  var slug = document.body.getAttribute('data-appeal');
  if (!total || !slug || typeof EventSource === 'undefined') { return; }
  var pounds = function (pence) {
    return '\u00a3' + (pence / 100).toLocaleString('en-GB', { minimumFractionDigits: pence % 100 === 0 ? 0 : 2, maximumFractionDigits: 2 });
  };
  var source = new EventSource('/api/appeals/' + encodeURIComponent(slug) + '/totals/stream');
  source.addEventListener('totals', function (event) {
    var t = JSON.parse(event.data);
    total.textContent = pounds(t.chargedPence);
    total.setAttribute('data-pence', String(t.chargedPence));
    if (count) { count.textContent = t.donationCount.toLocaleString('en-GB'); }
    var gifts = document.getElementById('gifts');
    if (gifts) { gifts.textContent = t.donationCount === 1 ? 'gift' : 'gifts'; }
  });
}());
