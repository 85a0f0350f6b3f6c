/* autodiff explore: steps through the sweeps. The tables and the graph are in the page already;
   this script only shows the step's rule and marks what the step computes. */
(function () {
  "use strict";
  var root = document.getElementById("__ROOT__");
  if (!root || root.getAttribute("data-ready")) { return; }
  root.setAttribute("data-ready", "");
  var data = JSON.parse(root.querySelector("script.adx-data").textContent);
  var steps = data.steps, last = steps.length - 1, n = data.n, out = data.out;
  var isPage = root.hasAttribute("data-page");
  var q = function (sel) { return root.querySelector(sel); };

  // the rows of the tables, by table (p, t, a) and variable index
  var rows = { p: [], t: [], a: [] };
  root.querySelectorAll("tr[data-i]").forEach(function (tr) {
    rows[tr.getAttribute("data-k")][+tr.getAttribute("data-i")] = tr;
  });
  // the graph: nodes by variable, edges with their ends, each node's value lines by kind
  var index = {}, nodes = {}, edges = [], lines = [];
  data.vars.forEach(function (v, i) { index[v] = i; lines.push({ p: [], t: [], a: [] }); });
  root.querySelectorAll("svg g.node").forEach(function (g) {
    var name = g.querySelector("title").textContent;
    nodes[name] = g;
    if (!(name in index)) { return; }
    g.querySelectorAll("text").forEach(function (t) {
      var mark = t.textContent.charAt(1);
      lines[index[name]][mark === "\u0307" ? "t" : mark === "\u0304" ? "a" : "p"].push(t);
    });
  });
  root.querySelectorAll("svg g.edge").forEach(function (g) {
    var ends = g.querySelector("title").textContent.split("->");
    edges.push({ from: ends[0], to: ends[1], g: g });
  });

  var summary = q(".adx-summary");
  var slider = q("input[type=range]"), counter = q(".adx-counter");
  var title = q(".adx-step h2"), rules = q(".adx-rules"), notes = q(".adx-notes");
  var playButton = q("[data-go=play]"), marked = [], current = -1, timer = null;

  function mark(el, cls) {
    if (el) { el.classList.add(cls); marked.push([el, cls]); }
  }

  // what step k has computed: primals and tangents of v_1..v_f, adjoints of v_out..v_(out-r+1)
  function pending(k) {
    var f = Math.min(k, n), r = Math.max(0, Math.min(k - n, out + 1));
    for (var i = 0; i < n; i++) {
      var fwd = i >= f, rev = i > out || out - i >= r;
      if (rows.p[i]) { rows.p[i].classList.toggle("adx-pending", fwd); }
      if (rows.t[i]) { rows.t[i].classList.toggle("adx-pending", fwd); }
      if (rows.a[i]) { rows.a[i].classList.toggle("adx-pending", rev); }
      var L = lines[i];
      for (var a = 0; a < L.p.length; a++) { L.p[a].classList.toggle("adx-pending", fwd); }
      for (var b = 0; b < L.t.length; b++) { L.t[b].classList.toggle("adx-pending", fwd); }
      for (var c = 0; c < L.a.length; c++) { L.a[c].classList.toggle("adx-pending", rev); }
    }
  }

  function text(tag, s) {
    var el = document.createElement(tag);
    el.textContent = s;
    return el;
  }

  function show(k) {
    k = Math.max(0, Math.min(last, k | 0));
    var s = steps[k];
    marked.forEach(function (m) { m[0].classList.remove(m[1]); });
    marked = [];
    pending(k);
    summary.classList.toggle("adx-pending", k !== last);
    if (s.kind === "forward") {
      mark(rows.p[s.i], "adx-cur");
      mark(rows.t[s.i], "adx-cur");
      mark(nodes[s.var], "adx-cur");
      edges.forEach(function (e) {
        if (e.to === s.var) { mark(e.g, "adx-cur"); mark(nodes[e.from], "adx-src"); }
      });
    } else if (s.kind === "reverse") {
      mark(rows.a[s.i], "adx-cur");
      mark(nodes[s.var], "adx-cur");
      edges.forEach(function (e) {
        if (e.from === s.var) { mark(e.g, "adx-cur"); mark(nodes[e.to], "adx-src"); }
      });
    } else if (s.kind === "result") {
      mark(rows.p[out], "adx-cur");
      mark(nodes[data.vars[out]], "adx-cur");
      data.inputs.forEach(function (i) {
        mark(rows.a[i], "adx-cur");
        mark(nodes[data.vars[i]], "adx-src");
      });
    } else {
      data.inputs.forEach(function (i) {
        mark(rows.p[i], "adx-src");
        mark(rows.t[i], "adx-src");
        mark(nodes[data.vars[i]], "adx-src");
      });
    }
    root.setAttribute("data-step", String(k));
    root.setAttribute("data-current", s.var);
    root.setAttribute("data-phase", s.kind);
    title.textContent = "Step " + k + " of " + last + " · " + s.title;
    rules.replaceChildren.apply(rules, s.rules.map(function (r) { return text("div", r); }));
    notes.replaceChildren.apply(notes, s.notes.map(function (r) { return text("li", r); }));
    slider.value = String(k);
    counter.textContent = "step " + k + " of " + last;
    q("[data-go=prev]").disabled = q("[data-go=first]").disabled = k === 0;
    q("[data-go=next]").disabled = q("[data-go=last]").disabled = k === last;
    if (k === last) { stop(); }
    if (isPage && current !== -1 && window.history && history.replaceState) {
      history.replaceState(null, "", "#step=" + k);
    }
    current = k;
    visible(s.kind === "reverse" ? rows.a[s.i] : s.kind === "forward" ? rows.t[s.i] : null,
            nodes[s.var]);
  }

  // bring the step's row into the window (below the sticky bar) and its node into the graph's
  // scrolling box, moving each only as far as needed
  var bar = q(".adx-bar"), box = q(".adx-graph");
  function visible(row, node) {
    if (row) {
      var r = row.getBoundingClientRect(), top = bar.getBoundingClientRect().bottom + 4;
      if (r.top < top) { window.scrollBy(0, r.top - top); }
      else if (r.bottom > window.innerHeight - 4) { window.scrollBy(0, r.bottom - window.innerHeight + 4); }
    }
    if (node && box) {
      var b = box.getBoundingClientRect(), n = node.getBoundingClientRect();
      if (n.left < b.left) { box.scrollLeft += n.left - b.left - 8; }
      else if (n.right > b.right) { box.scrollLeft += n.right - b.right + 8; }
      if (n.top < b.top) { box.scrollTop += n.top - b.top - 8; }
      else if (n.bottom > b.bottom) { box.scrollTop += n.bottom - b.bottom + 8; }
    }
  }

  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    playButton.textContent = "▶ play";
  }

  function play() {
    if (timer) { stop(); return; }
    if (current >= last) { show(0); }
    playButton.textContent = "⏸ pause";
    timer = setInterval(function () { show(current + 1); }, 1400);
  }

  var actions = {
    first: function () { stop(); show(0); },
    prev: function () { stop(); show(current - 1); },
    next: function () { stop(); show(current + 1); },
    last: function () { stop(); show(last); },
    play: play,
    large: function () { root.classList.toggle("adx-large"); },
    theme: function () {
      var dark = root.getAttribute("data-theme") !== "dark" ? "dark" : "light";
      root.setAttribute("data-theme", dark);
      if (isPage) { document.documentElement.setAttribute("data-theme", dark); }
    }
  };
  root.querySelectorAll("[data-go]").forEach(function (b) {
    b.addEventListener("click", function () { actions[b.getAttribute("data-go")](); });
  });
  slider.addEventListener("input", function () { stop(); show(+slider.value); });

  var keys = { ArrowRight: "next", ArrowDown: "next", PageDown: "next", ArrowLeft: "prev",
               ArrowUp: "prev", PageUp: "prev", Home: "first", End: "last", " ": "play",
               l: "large", L: "large", d: "theme", D: "theme" };
  (isPage ? document : root).addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.altKey || e.ctrlKey || e.metaKey || (t && /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName)
        && !(t.tagName === "BUTTON" && e.key !== " " && e.key !== "Enter"))) { return; }
    if (keys[e.key]) { e.preventDefault(); actions[keys[e.key]](); }
  });

  function fromHash() {
    var m = /(?:^#|&)step=(\d+)/.exec(window.location.hash || "");
    return m ? +m[1] : null;
  }
  if (isPage) {
    window.addEventListener("hashchange", function () {
      var k = fromHash();
      if (k !== null && k !== current) { stop(); show(k); }
    });
  }
  // on paper the page is the static tables and graph: no step marked, every value shown
  window.addEventListener("beforeprint", function () {
    stop();
    marked.forEach(function (m) { m[0].classList.remove(m[1]); });
    marked = [];
    root.querySelectorAll(".adx-pending").forEach(function (el) {
      el.classList.remove("adx-pending");
    });
  });
  window.addEventListener("afterprint", function () { show(current); });
  q(".adx-controls").hidden = false;
  q(".adx-step").hidden = false;
  var start = isPage ? fromHash() : null;
  show(start === null ? 0 : start);
}());
