/* The SPARQL editor: CodeMirror highlighting on the textarea, Run by fetch, results as a
 * sortable table. Without JavaScript the form still posts to /sparql (raw results). */
(function () {
  "use strict";

  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "short", "nonNegativeInteger"]
    .map(function (t) { return XSD + t; });
  var NUMBER = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 20 });
  var PLAIN = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 20, useGrouping: false });

  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var form = document.getElementById("sparql-form");
  var textarea = document.getElementById("query");
  var errorBox = document.getElementById("query-error");
  var status = document.getElementById("query-status");
  var truncated = document.getElementById("query-truncated");
  var results = document.getElementById("query-results");
  var runButton = document.getElementById("run");
  var editor = null;

  function text() {
    return editor ? editor.getValue() : textarea.value;
  }

  function element(name, attributes, content) {
    var node = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (content !== undefined) {
      node.textContent = content;
    }
    return node;
  }

  // The instance's own IRIs open their pages here (/id/...), whatever the base IRI.
  function localHref(iri) {
    var own = config.base + "id/";
    if (iri.indexOf(own) === 0 && iri.length > own.length) {
      return config.root + "/" + iri.slice(config.base.length);
    }
    return null;
  }

  // Years are integers but are not written with a thousands separator (2024, not 2.024).
  function isYear(name) {
    return /(^|_)(year|tahun)$/i.test(name);
  }

  function cell(name, term) {
    var td = element("td");
    if (!term) {
      return td;
    }
    if (term.type === "uri") {
      var href = localHref(term.value);
      var code = element("code", {}, term.value);
      if (href) {
        var link = element("a", { href: href });
        link.appendChild(code);
        td.appendChild(link);
      } else {
        td.appendChild(code);
      }
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else if (term.datatype && NUMERIC.indexOf(term.datatype) >= 0 && isFinite(Number(term.value))) {
      td.className = "num";
      td.setAttribute("data-sort", term.value);
      // The typographic minus, as the server-rendered pages write it (api.pages.id_number).
      td.textContent = (isYear(name) ? PLAIN : NUMBER).format(Number(term.value)).replace("-", "\u2212");
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) {
        td.setAttribute("lang", term["xml:lang"]);
      }
    }
    return td;
  }

  function showTable(data) {
    var vars = data.head.vars;
    var rows = data.results.bindings;
    var table = element("table", { "class": "sortable n-last", id: "results-table" });
    table.appendChild(element("caption", {}, "Hasil kueri: " + rows.length +
      " baris. Klik judul kolom untuk mengurutkan. / Query results: " + rows.length +
      " rows. Click a column heading to sort."));
    var head = element("tr");
    vars.forEach(function (name) { head.appendChild(element("th", { scope: "col" }, name)); });
    table.appendChild(element("thead")).appendChild(head);
    var body = element("tbody");
    rows.forEach(function (row) {
      var tr = element("tr");
      vars.forEach(function (name) { tr.appendChild(cell(name, row[name])); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    // A column of numbers has its heading on the right, over its figures.
    vars.forEach(function (name, i) {
      if (body.querySelector("tr > td:nth-child(" + (i + 1) + ").num")) {
        head.cells[i].className = "num";
      }
    });
    results.appendChild(table);
    if (window.enhanceSortableAccessibility) {
      window.enhanceSortableAccessibility([table]);
    }
    return rows.length;
  }

  function showError(message, detail) {
    errorBox.textContent = "";
    errorBox.appendChild(element("p", {}, message));
    if (detail && detail.text !== undefined) {
      // The line where the parser stopped, with a marker under the column.
      errorBox.appendChild(element("pre", { "class": "error-line" }, detail.text + "\n" + detail.marker));
      if (editor && detail.line) {
        editor.setCursor({ line: detail.line - 1, ch: Math.max(detail.column - 1, 0) });
      }
    }
    errorBox.hidden = false;
    status.textContent = "Kueri gagal. / The query failed.";
  }

  function show(response, body, started) {
    var seconds = ((performance.now() - started) / 1000).toFixed(2).replace(".", ",");
    if (!response.ok) {
      var problem = null;
      try {
        problem = JSON.parse(body);
      } catch (ignored) {
        problem = null;
      }
      showError(problem && problem.error ? problem.error : "HTTP " + response.status + ": " + body,
        problem && problem.errors ? problem.errors[0] : null);
      return;
    }
    var type = response.headers.get("Content-Type") || "";
    var cut = response.headers.get("X-Truncated") === "true";
    if (type.indexOf("json") >= 0) {
      var data = JSON.parse(body);
      cut = cut || data.truncated === true;
      if (typeof data.boolean === "boolean") {
        results.appendChild(element("p", { "class": "value", id: "ask-answer" },
          data.boolean ? "Ya / true" : "Tidak / false"));
        status.textContent = "Jawaban ASK dalam " + seconds + " s. / ASK answered in " + seconds + " s.";
      } else {
        var count = showTable(data);
        status.textContent = count + " baris dalam " + seconds + " s. / " + count + " rows in " + seconds + " s.";
      }
    } else {
      // CONSTRUCT and DESCRIBE answer a graph: shown as Turtle.
      results.appendChild(element("pre", { "class": "graph-result" }, body));
      status.textContent = "Graf (Turtle) dalam " + seconds + " s. / A graph (Turtle) in " + seconds + " s.";
    }
    truncated.hidden = !cut;
  }

  function run() {
    var started = performance.now();
    errorBox.hidden = true;
    truncated.hidden = true;
    results.textContent = "";
    status.textContent = "Menjalankan… / Running…";
    runButton.disabled = true;
    fetch(config.endpoint, {
      method: "POST",
      body: new URLSearchParams({ query: text() }),
      headers: { Accept: "application/sparql-results+json, text/turtle;q=0.9" }
    }).then(function (response) {
      return response.text().then(function (body) { show(response, body, started); });
    }).catch(function (error) {
      showError("Permintaan gagal / the request failed: " + error.message, null);
    }).then(function () {
      runButton.disabled = false;
    });
  }

  if (window.CodeMirror) {
    editor = window.CodeMirror.fromTextArea(textarea, {
      mode: "application/sparql-query",
      lineNumbers: true,
      lineWrapping: true,
      // contenteditable input is what screen readers read best in CodeMirror 5.
      inputStyle: "contenteditable",
      // Tab moves focus on (no keyboard trap); Ctrl+Enter runs.
      extraKeys: { "Ctrl-Enter": run, "Cmd-Enter": run, Tab: false, "Shift-Tab": false }
    });
    var input = editor.getInputField();
    input.setAttribute("aria-labelledby", "query-label");
    input.setAttribute("aria-describedby", "query-help");
    input.setAttribute("role", "textbox");
    input.setAttribute("aria-multiline", "true");
    document.getElementById("query-label").addEventListener("click", function () { editor.focus(); });
  }

  form.addEventListener("submit", function (event) {
    if (editor) {
      editor.save();
    }
    // The download buttons post the form to /sparql?format=…; Run stays on the page.
    if (event.submitter && event.submitter !== runButton) {
      return;
    }
    event.preventDefault();
    run();
  });
})();
