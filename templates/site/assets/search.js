// search.html: reads ?q=, loads the prebuilt minisearch index and lists matching notes and
// symbols as links. Results are built from DOM nodes and textContent: nothing from the
// index is ever parsed as HTML.
(function () {
  'use strict';
  var params = new URLSearchParams(window.location.search);
  var query = (params.get('q') || '').trim();
  var input = document.getElementById('search-q');
  var status = document.getElementById('search-status');
  if (input) input.value = query;
  if (!query) {
    status.textContent = 'Type a symbol (VHOST_SET_FEATURES, IOTLB_PERSIST), a message or a few words.';
    if (input) input.focus();
    return;
  }
  document.title = 'Search: ' + query + ' · ' + document.title.replace(/^.*? · /, '');
  status.textContent = 'Searching…';

  function item(doc) {
    var li = document.createElement('li');
    var a = document.createElement('a');
    a.href = doc.url;
    if (doc.type === 'symbol') {
      var code = document.createElement('code');
      code.textContent = doc.title;
      a.appendChild(code);
    } else a.textContent = doc.title;
    li.appendChild(a);
    var label = document.createElement('span');
    label.className = 'kind';
    label.textContent = ' ' + doc.label;
    li.appendChild(label);
    if (doc.summary) {
      var p = document.createElement('p');
      p.className = 'result-summary';
      p.textContent = doc.summary;
      li.appendChild(p);
    }
    return li;
  }

  function show(kind, docs) {
    var section = document.getElementById('results-' + kind);
    var list = document.getElementById('results-' + kind + '-list');
    list.textContent = '';
    docs.forEach(function (d) { list.appendChild(item(d)); });
    section.hidden = docs.length === 0;
  }

  fetch('search-index.json')
    .then(function (r) {
      if (!r.ok) throw new Error('the search index could not be loaded (HTTP ' + r.status + ')');
      return r.json();
    })
    .then(function (data) {
      var ms = MiniSearch.loadJS(data.index, { fields: data.fields, storeFields: data.storeFields });
      var hits = ms.search(query, data.searchOptions);
      var exact = query.toUpperCase();
      // A symbol whose name is exactly the query comes first.
      hits.sort(function (a, b) {
        var ea = a.type === 'symbol' && a.title.toUpperCase() === exact ? 1 : 0;
        var eb = b.type === 'symbol' && b.title.toUpperCase() === exact ? 1 : 0;
        return eb - ea || b.score - a.score;
      });
      var entries = hits.filter(function (h) { return h.type === 'entry'; }).slice(0, 50);
      var symbols = hits.filter(function (h) { return h.type === 'symbol'; }).slice(0, 100);
      show('entries', entries);
      show('symbols', symbols);
      // A query that looks like an identifier is most likely after the symbol: list those first.
      if (/_|^[A-Z0-9]+$/.test(query)) {
        var se = document.getElementById('results-entries');
        se.parentNode.insertBefore(document.getElementById('results-symbols'), se);
      }
      status.textContent = entries.length + symbols.length === 0
        ? 'Nothing matches “' + query + '”. Try part of a name (IOTLB, SET_STATUS) or fewer words.'
        : entries.length + (entries.length === 1 ? ' note' : ' notes') + ' and ' + symbols.length + (symbols.length === 1 ? ' symbol' : ' symbols') + ' match “' + query + '”.';
    })
    .catch(function (e) {
      status.textContent = 'Search is unavailable: ' + e.message + '. Use the symbol index or the list of notes instead.';
    });
})();
