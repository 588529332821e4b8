/* netsim replay viewer: steps through one simulated run in the browser.
 *
 * Reads the replay document (version 1) from the page's <script type="application/json"> element
 * and draws the network at any instant: link states, messages in flight, every router coloured by
 * whether its FIB matches the shortest paths, forwarding loops and black holes, a router's table
 * and the narrated decisions.  No framework, no network access, no build step.
 *
 * Why the model is incremental: a large run has ~100k messages and as many FIB changes, and the
 * viewer must redraw at 60 frames a second while playing.  So FIB changes are applied (and undone,
 * when going back) from a cursor instead of being replayed from t=0; messages in flight are found
 * by binary search on their send times; a router is re-judged only when its FIB or the topology
 * epoch changes; and nothing is redrawn unless what it shows changed.
 */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var REL_TOL = 1e-9;
  var MAX_DRAWN_MESSAGES = 4000;
  var SPEEDS = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500];
  var DEFAULT_SPEED = 0.01;
  var FAMILIES = ["hello", "flood", "ack", "update", "control"];
  var FAMILY_LABEL = { hello: "hello", flood: "flood", ack: "ack", update: "update", control: "control" };
  var STATUS_LABEL = { correct: "correct", missing: "routes missing", wrong: "wrong routes", down: "crashed", unjudged: "not judged" };
  var MARKS = { ok: "", missing: "-", wrong: "\u2260", extra: "+" };
  var GLYPH = { correct: "\u2713", missing: "\u2212", wrong: "!", down: "\u00d7", unjudged: "" };

  // ------------------------------------------------------------------ small helpers
  function upperBound(arr, x) { // first index with arr[i] > x
    var lo = 0, hi = arr.length;
    while (lo < hi) { var mid = (lo + hi) >>> 1; if (arr[mid] <= x) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function lowerBound(arr, x) { // first index with arr[i] >= x
    var lo = 0, hi = arr.length;
    while (lo < hi) { var mid = (lo + hi) >>> 1; if (arr[mid] < x) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function cmpStr(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function uniqueSorted(values) {
    var arr = Float64Array.from(values).sort();
    var out = [], last = NaN;
    for (var i = 0; i < arr.length; i++) { if (arr[i] !== last) { out.push(arr[i]); last = arr[i]; } }
    return Float64Array.from(out);
  }
  /* Python's "%g": six significant digits, trailing zeros dropped. */
  function fmtG(x) {
    if (!isFinite(x)) return x > 0 ? "inf" : x < 0 ? "-inf" : "nan";
    if (x === 0) return "0";
    var parts = x.toExponential(5).split("e");
    var exp = parseInt(parts[1], 10);
    if (exp < -4 || exp >= 6) {
      var mant = parts[0].replace(/\.?0+$/, "");
      return mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }
    var s = x.toFixed(Math.max(0, 5 - exp));
    return s.indexOf(".") >= 0 ? s.replace(/\.?0+$/, "") : s;
  }
  function fmtCost(c) { return Number.isInteger(c) ? String(c) : fmtG(c); }
  function describe(route) {
    if (!route) return "no route";
    return "via " + (route.hops.length ? route.hops.join(",") : "-") + " cost " + fmtCost(route.cost);
  }
  function fmtDuration(dt) {
    var a = Math.abs(dt);
    if (a < 1e-3) return (dt * 1e6).toFixed(1) + " \u00b5s";
    if (a < 1) return (dt * 1e3).toFixed(3) + " ms";
    if (a < 600) return dt.toFixed(3) + " s";
    return (dt / 60).toFixed(1) + " min";
  }
  function fmtSpeed(s) {
    if (s < 1e-3) return (s * 1e6).toFixed(0) + " \u00b5s / s";
    if (s < 1) return (s * 1e3).toFixed(0) + " ms / s";
    return s + " s / s";
  }
  function fmtAxis(t, span) {
    var digits = span >= 100 ? 0 : span >= 10 ? 1 : span >= 1 ? 2 : Math.min(9, Math.ceil(-Math.log10(span)) + 2);
    return t.toFixed(digits) + " s";
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  function $(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function pairKey(a, b) { return a < b ? a + "\u0000" + b : b + "\u0000" + a; }
  function routeOf(v) { return v ? { hops: v.hops.slice(), cost: v.cost } : null; }

  // ------------------------------------------------------------------ the model: the run at any instant
  function Model(doc) {
    var self = this;
    this.doc = doc;
    this.names = doc.routers.map(function (r) { return r.name; });
    this.index = new Map(this.names.map(function (n, i) { return [n, i]; }));
    this.n = this.names.length;
    this.links = doc.links.map(function (l, i) {
      return { i: i, a: l.a, b: l.b, ia: self.index.get(l.a), ib: self.index.get(l.b), costAB: l.cost_ab, costBA: l.cost_ba,
               delay: l.delay };
    });
    this.linkByPair = new Map();
    this.links.forEach(function (l) { self.linkByPair.set(pairKey(l.a, l.b), l); });
    this.kinds = (doc.message_kinds || []).map(function (k) { return { name: k.name, label: k.label || k.name, family: k.family }; });

    this.buildTopology(doc.topology || []);
    this.buildFibOps(doc);
    this.buildExpected(doc.expected || []);
    this.buildMessages(doc.messages || { t0: [] });
    this.buildFaults(doc.faults || []);
    this.events = (doc.events || []).slice().sort(function (a, b) { return a.time - b.time; });
    this.eventTimes = uniqueSorted(this.events.map(function (e) { return e.time; }));
    this.eventTimesAll = Float64Array.from(this.events.map(function (e) { return e.time; }));
    this.narration = doc.narration || [];
    this.narrTimes = Float64Array.from(this.narration.map(function (l) { return l.time; }));
    var last = [doc.end_time || 0, this.eventTimes.length ? this.eventTimes[this.eventTimes.length - 1] : 0,
                this.fibTimes.length ? this.fibTimes[this.fibTimes.length - 1] : 0, this.msgLastEnd];
    this.end = Math.max.apply(null, last);
    this.time = 0;
    this.seek(0);
  }

  /* Link states and crashed routers after each topology entry; applied from scratch when the
   * count of entries in force changes (scripted changes are few). */
  Model.prototype.buildTopology = function (changes) {
    this.topo = changes;
    this.topoTimes = Float64Array.from(changes.map(function (c) { return c.time; }));
    this.topoK = -1;
  };
  Model.prototype.topologyState = function (k) {
    var self = this;
    var links = this.links.map(function (l) { return { up: true, silent: false, costAB: l.costAB, costBA: l.costBA }; });
    var down = new Set();
    for (var i = 0; i < k; i++) {
      var c = this.topo[i];
      if (c.router !== null && c.router !== undefined) {
        if (c.up) down.delete(c.router); else down.add(c.router);
        continue;
      }
      var link = self.linkByPair.get(pairKey(c.link[0], c.link[1]));
      if (!link) continue;
      var s = links[link.i];
      s.up = !!c.up;
      s.silent = !c.up && !!c.silent;
      var forward = c.link[0] === link.a;
      if (c.cost_ab !== null && c.cost_ab !== undefined) { if (forward) s.costAB = c.cost_ab; else s.costBA = c.cost_ab; }
      if (c.cost_ba !== null && c.cost_ba !== undefined) { if (forward) s.costBA = c.cost_ba; else s.costAB = c.cost_ba; }
    }
    return { links: links, down: down };
  };

  /* FIB changes and crashes as one ordered list of reversible operations: each remembers what it
   * replaced, found in one forward pass at load, so seeking backwards undoes instead of replaying. */
  Model.prototype.buildFibOps = function (doc) {
    var fib = doc.fib || { time: [] };
    var crashes = [];
    (doc.topology || []).forEach(function (c) { if (c.router !== null && c.router !== undefined && !c.up) crashes.push(c); });
    var nOps = fib.time.length + crashes.length;
    this.opTime = new Float64Array(nOps);
    this.opRouter = new Int32Array(nOps);
    this.opDest = new Array(nOps);
    this.opNew = new Array(nOps);
    this.opOld = new Array(nOps);
    this.opCleared = new Array(nOps);
    this.opIsCrash = new Uint8Array(nOps);
    this.fibTimes = uniqueSorted(fib.time);
    var fibs = this.initialFibs();
    var i = 0, c = 0, k = 0;
    while (i < fib.time.length || c < crashes.length) {
      var crashFirst = c < crashes.length && (i >= fib.time.length || crashes[c].time <= fib.time[i]);
      if (crashFirst) {
        var r = this.index.get(crashes[c].router);
        this.opTime[k] = crashes[c].time; this.opRouter[k] = r; this.opIsCrash[k] = 1;
        this.opCleared[k] = fibs[r]; fibs[r] = new Map();
        c++;
      } else {
        var ro = fib.router[i], dest = fib.dest[i];
        var next = fib.hops[i] === null ? null : { hops: fib.hops[i], cost: fib.cost[i] };
        this.opTime[k] = fib.time[i]; this.opRouter[k] = ro; this.opDest[k] = dest; this.opNew[k] = next;
        this.opOld[k] = fibs[ro].has(dest) ? fibs[ro].get(dest) : null;
        if (next === null) fibs[ro].delete(dest); else fibs[ro].set(dest, next);
        i++;
      }
      k++;
    }
    this.fibs = this.initialFibs();
    this.cursor = 0;
    this.version = new Int32Array(this.n); // bumped whenever a router's FIB changes (either way)
    this.lastChange = new Array(this.n);   // router -> Map dest -> op index of its latest applied change
    for (var j = 0; j < this.n; j++) this.lastChange[j] = new Map();
  };
  Model.prototype.initialFibs = function () {
    var initial = this.doc.initial_fibs || {};
    return this.names.map(function (name) {
      var m = new Map(), t = initial[name] || {};
      Object.keys(t).forEach(function (d) { m.set(d, { hops: t[d].hops, cost: t[d].cost }); });
      return m;
    });
  };
  Model.prototype.applyOp = function (k) {
    var r = this.opRouter[k];
    if (this.opIsCrash[k]) { this.fibs[r] = new Map(); this.lastChange[r] = new Map(); }
    else if (this.opNew[k] === null) { this.fibs[r].delete(this.opDest[k]); this.lastChange[r].set(this.opDest[k], k); }
    else { this.fibs[r].set(this.opDest[k], this.opNew[k]); this.lastChange[r].set(this.opDest[k], k); }
    this.version[r]++;
  };
  Model.prototype.undoOp = function (k) {
    var r = this.opRouter[k];
    if (this.opIsCrash[k]) { this.fibs[r] = new Map(this.opCleared[k]); this.lastChange[r] = new Map(); }
    else {
      if (this.opOld[k] === null) this.fibs[r].delete(this.opDest[k]); else this.fibs[r].set(this.opDest[k], this.opOld[k]);
      this.lastChange[r].delete(this.opDest[k]);
    }
    this.version[r]++;
  };

  Model.prototype.buildExpected = function (epochs) {
    this.epochs = epochs;
    this.epochFrom = Float64Array.from(epochs.map(function (e) { return e.from; }));
    this.epochCache = new Map();
  };
  /* The expected tables of epoch k as Maps (converted on first use). */
  Model.prototype.expectedTables = function (k) {
    if (k < 0) return null;
    var hit = this.epochCache.get(k);
    if (hit) return hit;
    var ep = this.epochs[k], tables = new Map();
    Object.keys(ep.tables || {}).forEach(function (r) {
      var m = new Map(), t = ep.tables[r];
      Object.keys(t).forEach(function (d) { m.set(d, { hops: t[d].hops, cost: t[d].cost, set: new Set(t[d].hops) }); });
      tables.set(r, m);
    });
    hit = { tables: tables, down: new Set(ep.down || []) };
    this.epochCache.set(k, hit);
    return hit;
  };

  Model.prototype.buildMessages = function (m) {
    var n = (m.t0 || []).length;
    this.msgN = n;
    this.msgT0 = Float64Array.from(m.t0 || []);
    this.msgEnd = new Float64Array(n);
    this.msgLost = new Uint8Array(n);
    this.msgSrc = Int32Array.from(m.src || []);
    this.msgDst = Int32Array.from(m.dst || []);
    this.msgKind = Int32Array.from(m.kind || []);
    var maxDur = 0, lastEnd = 0, mids = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      var t1 = m.t1[i];
      if (t1 === null || t1 === undefined) {
        var link = this.linkByPair.get(pairKey(this.names[this.msgSrc[i]], this.names[this.msgDst[i]]));
        t1 = this.msgT0[i] + (link ? link.delay : 0.001);
        this.msgLost[i] = 1;
      }
      this.msgEnd[i] = t1;
      if (t1 - this.msgT0[i] > maxDur) maxDur = t1 - this.msgT0[i];
      if (t1 > lastEnd) lastEnd = t1;
      mids[i] = (this.msgT0[i] + t1) / 2;
    }
    this.msgMaxDur = maxDur;
    this.msgLastEnd = lastEnd;
    this.msgMids = uniqueSorted(mids);
  };
  /* Indices of the messages on the wire at t: sent at or before t, not yet arrived. */
  Model.prototype.inFlight = function (t, limit) {
    var hi = upperBound(this.msgT0, t), lo = lowerBound(this.msgT0, t - this.msgMaxDur), out = [];
    for (var i = lo; i < hi; i++) {
      if (this.msgEnd[i] > t) { out.push(i); if (out.length >= limit) break; }
    }
    return out;
  };

  Model.prototype.buildFaults = function (faults) {
    this.faults = faults.slice().sort(function (a, b) { return a.t0 - b.t0 || a.t1 - b.t1; });
    this.faultT0 = Float64Array.from(this.faults.map(function (f) { return f.t0; }));
    this.loopStarts = uniqueSorted(this.faults.filter(function (f) { return f.kind === "loop"; }).map(function (f) { return f.t0; }));
    this.holeStarts = uniqueSorted(this.faults.filter(function (f) { return f.kind === "blackhole"; }).map(function (f) { return f.t0; }));
  };
  Model.prototype.activeFaults = function (t) {
    var hi = upperBound(this.faultT0, t), out = [];
    for (var i = 0; i < hi; i++) if (this.faults[i].t1 > t) out.push(this.faults[i]);
    return out;
  };

  /* Move to instant t: topology entries and FIB operations with time <= t are in force. */
  Model.prototype.seek = function (t) {
    this.time = t;
    var k = upperBound(this.topoTimes, t);
    if (k !== this.topoK) { this.topoK = k; this.topoState = this.topologyState(k); }
    var target = upperBound(this.opTime, t);
    while (this.cursor < target) this.applyOp(this.cursor++);
    while (this.cursor > target) this.undoOp(--this.cursor);
    this.epoch = upperBound(this.epochFrom, t) - 1;
  };
  Model.prototype.isDown = function (r) { return this.topoState.down.has(this.names[r]); };

  /* One router's table against the expected one: rows sorted by destination, as `netsim table`. */
  Model.prototype.table = function (r) {
    var name = this.names[r];
    if (this.isDown(r)) return null;
    var fib = this.fibs[r];
    var exp = this.expectedTables(this.epoch);
    var want = exp ? (exp.tables.get(name) || new Map()) : new Map();
    var dests = new Set();
    fib.forEach(function (_v, d) { dests.add(d); });
    want.forEach(function (_v, d) { dests.add(d); });
    var rows = [];
    Array.from(dests).sort(cmpStr).forEach(function (d) {
      var a = fib.has(d) ? fib.get(d) : null, w = want.has(d) ? want.get(d) : null;
      rows.push({ dest: d, actual: a, expected: w, status: exp ? entryStatus(a, w) : "ok" });
    });
    return rows;
  };
  function entryStatus(a, w) {
    if (!a) return w ? "missing" : "ok";
    if (!w) return "extra";
    if (Math.abs(a.cost - w.cost) > REL_TOL * Math.max(1, Math.abs(w.cost))) return "wrong";
    if (!a.hops.length) return "wrong";
    for (var i = 0; i < a.hops.length; i++) if (!w.set.has(a.hops[i])) return "wrong";
    return "ok";
  }
  /* A router's colour class and counts, cached until its FIB or the epoch changes. */
  Model.prototype.judge = function (r) {
    var down = this.isDown(r);
    var key = this.epoch + ":" + this.version[r] + ":" + (down ? 1 : 0);
    this.judged = this.judged || [];
    var hit = this.judged[r];
    if (hit && hit.key === key) return hit;
    var res = { key: key, status: "correct", missing: 0, wrong: 0, extra: 0 };
    if (down) res.status = "down";
    else if (this.epoch < 0) res.status = "unjudged";
    else {
      // the counts of table(r) without building and sorting its rows: this runs for every router that changed
      var fib = this.fibs[r], want = this.expectedTables(this.epoch).tables.get(this.names[r]) || new Map();
      fib.forEach(function (a, d) {
        var w = want.get(d);
        var st = entryStatus(a, w === undefined ? null : w);
        if (st !== "ok") res[st]++;
      });
      want.forEach(function (_w, d) { if (!fib.has(d)) res.missing++; });
      res.status = res.wrong + res.extra ? "wrong" : res.missing ? "missing" : "correct";
    }
    this.judged[r] = res;
    return res;
  };

  /* Step targets: the next (dir > 0) or previous time in a sorted list, strictly past t. */
  function stepIn(times, t, dir) {
    var eps = 1e-12 * Math.max(1, Math.abs(t));
    if (dir > 0) { var i = upperBound(times, t + eps); return i < times.length ? times[i] : null; }
    var j = lowerBound(times, t - eps) - 1;
    return j >= 0 ? times[j] : null;
  }
  Model.prototype.stepTarget = function (kind, dir, t) {
    if (kind === "event") return stepIn(this.eventTimes, t, dir);
    if (kind === "fib") return stepIn(this.fibTimes, t, dir);
    if (kind === "message") return stepIn(this.msgMids, t, dir);
    if (kind === "loop") return stepIn(this.loopStarts, t, dir);
    if (kind === "blackhole") return stepIn(this.holeStarts, t, dir);
    return null;
  };

  // ------------------------------------------------------------------ the view
  var M, doc;
  var view = {
    playing: false, speed: DEFAULT_SPEED, lastTs: null, selected: null, showCosts: false,
    zoom: 1, panX: 0, panY: 0, w0: 0, w1: 1, filterNarration: false, dest: null,
    drawn: {}, pos: [], radius: 12
  };
  var nodes = { links: [], routers: [], linkGroup: null, faultLayer: null, routerLayer: null };

  function start() {
    var raw = $("replay-data").textContent;
    try { doc = JSON.parse(raw); } catch (err) { return fatal("The replay data in this file cannot be read (" + err.message + ")."); }
    if (!doc || doc.version !== 1) return fatal("This replay was written in a format this viewer does not know (version " + (doc && doc.version) + ").");
    M = new Model(doc);
    document.title = doc.scenario + " \u00b7 " + doc.protocol + " \u2014 netsim replay";
    $("scenario-name").textContent = doc.scenario;
    $("run-info").textContent = [doc.protocol, "seed " + doc.seed, M.n + " routers", M.links.length + " links",
      M.msgN ? M.msgN.toLocaleString("en-US") + " messages" : null, doc.generated_by || null].filter(Boolean).join(" \u00b7 ");
    showNotices(doc.notices || []);
    buildSpeeds();
    buildSvg();
    buildLegend();
    buildDestSelect();
    bindControls();
    var first = M.eventTimes.length ? M.eventTimes[0] : 0;
    var t0 = Math.max(0, first - Math.min(1, first));
    var hash = parseHash();
    if (hash.speed) view.speed = hash.speed;
    $("speed").value = String(view.speed);
    view.showCosts = hash.costs !== undefined ? hash.costs : hasVaryingCosts();
    setCosts(view.showCosts);
    fitWindow();
    if (hash.t !== undefined) t0 = Math.min(Math.max(0, hash.t), M.end);
    if (hash.router && M.index.has(hash.router)) view.selected = hash.router;
    if (hash.window) setWindow(hash.window[0], hash.window[1]);
    if (hash.dest) showDest(hash.dest);
    new ResizeObserver(function () { layout(); render(true); drawTrack(); }).observe($("net-box"));
    new ResizeObserver(function () { drawTrack(); }).observe($("track-box"));
    layout();
    view.ready = true;
    seek(t0);
    document.body.setAttribute("data-ready", "1");
  }

  function fatal(msg) {
    var box = $("fatal");
    box.textContent = msg;
    box.hidden = false;
    document.body.setAttribute("data-ready", "error");
  }

  function parseHash() {
    var out = {};
    var h = (location.hash || "").replace(/^#/, "");
    h.split("&").forEach(function (kv) {
      if (!kv) return;
      var i = kv.indexOf("="), k = i < 0 ? kv : kv.slice(0, i), v = i < 0 ? "" : decodeURIComponent(kv.slice(i + 1));
      if (k === "t" && isFinite(parseFloat(v))) out.t = parseFloat(v);
      else if (k === "router") out.router = v;
      else if (k === "dest") out.dest = v;
      else if (k === "speed" && parseFloat(v) > 0) out.speed = nearestSpeed(parseFloat(v));
      else if (k === "costs") out.costs = v !== "0";
      else if (k === "window") {
        var w = v.split(",").map(parseFloat);
        if (w.length === 2 && w[1] > w[0]) out.window = w;
      }
    });
    return out;
  }
  function nearestSpeed(s) {
    var best = SPEEDS[0];
    SPEEDS.forEach(function (x) { if (Math.abs(Math.log(x / s)) < Math.abs(Math.log(best / s))) best = x; });
    return best;
  }
  function hasVaryingCosts() {
    var costs = new Set();
    M.links.forEach(function (l) { costs.add(l.costAB); costs.add(l.costBA); });
    return costs.size > 1 && M.links.length <= 150;
  }

  function showNotices(list) {
    var ul = $("notices");
    clear(ul);
    list.forEach(function (n) { ul.appendChild(el("li", null, n)); });
    ul.hidden = list.length === 0;
  }

  // ---- network drawing
  function buildSvg() {
    var root = $("net");
    var defs = svg("defs");
    defs.appendChild(marker("arrow-loop", "#D55E00"));
    defs.appendChild(marker("arrow-blackhole", "#000000"));
    defs.appendChild(marker("arrow-fwd-ok", "#009E73", 4.2));
    defs.appendChild(marker("arrow-fwd-bad", "#D55E00", 4.2));
    var shapes = {
      hello: svg("circle", { r: 5.5 }),
      flood: svg("path", { d: "M0,-7 L7,0 L0,7 L-7,0 Z" }),
      ack: svg("rect", { x: -5, y: -5, width: 10, height: 10, rx: 1.5 }),
      update: svg("path", { d: "M0,-7 L6.5,5 L-6.5,5 Z" }),
      control: svg("circle", { r: 5 })
    };
    FAMILIES.forEach(function (f) { shapes[f].setAttribute("id", "msg-" + f); defs.appendChild(shapes[f]); });
    root.appendChild(defs);
    var bg = svg("rect", { id: "net-bg", x: 0, y: 0, width: "100%", height: "100%", fill: "transparent" });
    root.appendChild(bg);
    nodes.linkGroup = svg("g", { id: "links" });
    nodes.fwdLayer = svg("g", { id: "forwarding" });
    nodes.faultLayer = svg("g", { id: "fault-layer" });
    nodes.routerLayer = svg("g", { id: "routers" });
    [nodes.linkGroup, nodes.fwdLayer, nodes.faultLayer, nodes.routerLayer].forEach(function (g) { root.appendChild(g); });
    nodes.links = M.links.map(function (l) {
      var g = svg("g", { "class": "link", "data-link": l.a + "|" + l.b, "data-state": "up" });
      var hit = svg("line", { "class": "link-hit" });
      var line = svg("line", { "class": "link-line" });
      var cut = svg("g", { "class": "link-cut" });
      var c1 = svg("line", {}), c2 = svg("line", {});
      cut.appendChild(c1); cut.appendChild(c2);
      var silent = svg("g", { "class": "link-silent" });
      silent.appendChild(svg("circle", { r: 9 }));
      var q = svg("text", {}); q.textContent = "?"; silent.appendChild(q);
      var cost = svg("text", { "class": "link-cost" });
      [hit, line, cut, silent, cost].forEach(function (x) { g.appendChild(x); });
      var title = svg("title", {}); g.appendChild(title);
      nodes.linkGroup.appendChild(g);
      return { g: g, hit: hit, line: line, cut: cut, c1: c1, c2: c2, silent: silent, cost: cost, title: title, state: "" };
    });
    nodes.routers = M.names.map(function (name, i) {
      var g = svg("g", { "class": "router", "data-router": name, "data-status": "" });
      var ring = svg("circle", { "class": "router-ring" });
      var circle = svg("circle", { "class": "router-node" });
      var glyph = svg("text", { "class": "router-glyph" });
      var badge = svg("g", { "class": "router-badge" });
      badge.appendChild(svg("circle", { r: 8.5 }));
      var btext = svg("text", {}); badge.appendChild(btext);
      var label = svg("text", { "class": "router-label" });
      label.textContent = doc.routers[i].label || name;
      var title = svg("title", {});
      [ring, circle, glyph, badge, label, title].forEach(function (x) { g.appendChild(x); });
      g.addEventListener("click", function (ev) { ev.stopPropagation(); selectRouter(name); });
      nodes.routerLayer.appendChild(g);
      return { g: g, ring: ring, circle: circle, glyph: glyph, badge: badge, btext: btext, label: label, title: title, key: "" };
    });
    bindPanZoom(root);
  }
  function marker(id, colour, size) {
    var m = svg("marker", { id: id, viewBox: "0 0 10 10", refX: 7, refY: 5, markerWidth: size || 3.4, markerHeight: size || 3.4,
      orient: "auto-start-reverse", markerUnits: "strokeWidth" });
    m.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }));
    return m;
  }

  /* Screen positions: the routers' coordinates scaled to fit the stage (y up, as on a map or a
   * layout), then the user's zoom and pan.  Sizes stay in pixels, so labels stay readable. */
  function layout() {
    var box = $("net-box");
    var W = box.clientWidth, H = box.clientHeight;
    if (!W || !H) return;
    var xs = doc.routers.map(function (r) { return r.x; }), ys = doc.routers.map(function (r) { return r.y; });
    var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs);
    var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
    var n = M.n;
    view.radius = n <= 20 ? 15 : n <= 60 ? 11 : n <= 200 ? 7 : 4.5;
    view.labels = n <= 80;
    $("net").classList.toggle("labels-hidden", !view.labels);
    var padX = 80, padTop = 44, padBottom = 44;
    var dx = maxX - minX || 1, dy = maxY - minY || 1;
    var s = Math.min((W - 2 * padX) / dx, (H - padTop - padBottom) / dy);
    if (!(s > 0)) s = 1;
    var ox = (W - dx * s) / 2, oy = padTop + (H - padTop - padBottom - dy * s) / 2;
    if (maxX === minX) ox = W / 2;
    if (maxY === minY) oy = (H - padBottom + padTop) / 2;
    view.pos = doc.routers.map(function (r) {
      var x = ox + (r.x - minX) * s, y = oy + (maxY - r.y) * s;
      return [(x - W / 2) * view.zoom + W / 2 + view.panX, (y - H / 2) * view.zoom + H / 2 + view.panY];
    });
    placeStatic();
  }
  function placeStatic() {
    var R = view.radius;
    M.links.forEach(function (l, i) {
      var p = view.pos[l.ia], q = view.pos[l.ib], o = nodes.links[i];
      [o.hit, o.line].forEach(function (x) { x.setAttribute("x1", p[0]); x.setAttribute("y1", p[1]); x.setAttribute("x2", q[0]); x.setAttribute("y2", q[1]); });
      var mx = (p[0] + q[0]) / 2, my = (p[1] + q[1]) / 2, d = 7;
      o.c1.setAttribute("x1", mx - d); o.c1.setAttribute("y1", my - d); o.c1.setAttribute("x2", mx + d); o.c1.setAttribute("y2", my + d);
      o.c2.setAttribute("x1", mx - d); o.c2.setAttribute("y1", my + d); o.c2.setAttribute("x2", mx + d); o.c2.setAttribute("y2", my - d);
      o.silent.setAttribute("transform", "translate(" + mx + " " + my + ")");
      var len = Math.hypot(q[0] - p[0], q[1] - p[1]) || 1;
      var nx = -(q[1] - p[1]) / len, ny = (q[0] - p[0]) / len;
      o.cost.setAttribute("x", mx + nx * 11); o.cost.setAttribute("y", my + ny * 11);
    });
    M.names.forEach(function (name, i) {
      var p = view.pos[i], o = nodes.routers[i];
      o.circle.setAttribute("cx", p[0]); o.circle.setAttribute("cy", p[1]); o.circle.setAttribute("r", R);
      o.ring.setAttribute("cx", p[0]); o.ring.setAttribute("cy", p[1]); o.ring.setAttribute("r", R + 5);
      o.glyph.setAttribute("x", p[0]); o.glyph.setAttribute("y", p[1] + 0.5);
      o.glyph.setAttribute("font-size", Math.round(R * 1.15));
      o.glyph.style.display = R >= 9 ? "" : "none";
      o.badge.setAttribute("transform", "translate(" + (p[0] + R * 0.85) + " " + (p[1] - R * 0.85) + ")");
      placeLabel(i, p, R);
    });
    view.drawn.faults = null; // positions changed: redraw fault paths and forwarding arrows
    view.drawn.forwarding = null;
    sizeMessageCanvas();
  }
  /* Label below the router, or above it when its links leave mostly downwards. */
  function placeLabel(i, p, R) {
    var o = nodes.routers[i], down = 0, up = 0;
    M.links.forEach(function (l) {
      if (l.ia !== i && l.ib !== i) return;
      var q = view.pos[l.ia === i ? l.ib : l.ia];
      var dy = q[1] - p[1], dx = Math.abs(q[0] - p[0]);
      if (dy > dx * 0.4) down++; else if (-dy > dx * 0.4) up++;
    });
    var below = down <= up || down === 0;
    o.label.setAttribute("x", p[0]);
    o.label.setAttribute("y", below ? p[1] + R + 17 : p[1] - R - 8);
    o.label.setAttribute("text-anchor", "middle");
  }

  // ---- pan and zoom of the network
  function bindPanZoom(root) {
    var drag = null;
    root.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var r = root.getBoundingClientRect();
      zoomAt(ev.clientX - r.left, ev.clientY - r.top, ev.deltaY < 0 ? 1.15 : 1 / 1.15);
    }, { passive: false });
    root.addEventListener("pointerdown", function (ev) {
      if (ev.target.closest && ev.target.closest(".router")) return;
      drag = { x: ev.clientX, y: ev.clientY, px: view.panX, py: view.panY, moved: false };
      root.setPointerCapture(ev.pointerId);
    });
    root.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; root.classList.add("panning"); }
      view.panX = drag.px + dx; view.panY = drag.py + dy;
      if (drag.moved) { layout(); render(true); }
    });
    root.addEventListener("pointerup", function () {
      root.classList.remove("panning");
      drag = null;
    });
    $("zoom-in").addEventListener("click", function () { zoomAt(null, null, 1.3); });
    $("zoom-out").addEventListener("click", function () { zoomAt(null, null, 1 / 1.3); });
    $("zoom-fit").addEventListener("click", fitView);
  }
  function zoomAt(x, y, f) {
    var box = $("net-box"), W = box.clientWidth, H = box.clientHeight;
    if (x === null) { x = W / 2; y = H / 2; }
    var z = Math.min(40, Math.max(0.3, view.zoom * f));
    f = z / view.zoom;
    // keep the point under the cursor fixed: screen = (base - c) * zoom + c + pan
    view.panX = (view.panX + W / 2 - x) * f + x - W / 2;
    view.panY = (view.panY + H / 2 - y) * f + y - H / 2;
    view.zoom = z;
    layout(); render(true);
  }
  function fitView() { view.zoom = 1; view.panX = 0; view.panY = 0; layout(); render(true); }

  // ---- legend
  function legendSwatch(kind, value) {
    var s = svg("svg", { width: 30, height: 16, viewBox: "-15 -8 30 16" });
    if (kind === "router") {
      var c = svg("circle", { r: 7, "class": "router-node" });
      var g = svg("g", { "class": "router", "data-status": value });
      g.appendChild(c);
      s.appendChild(g);
    } else if (kind === "link") {
      var lg = svg("g", { "class": "link", "data-state": value });
      lg.appendChild(svg("line", { x1: -14, y1: 0, x2: 14, y2: 0, "class": "link-line" }));
      s.appendChild(lg);
    } else if (kind === "fault") {
      var fg = svg("g", { "class": "fault " + value });
      fg.appendChild(svg("line", { x1: -13, y1: 0, x2: 9, y2: 0, "class": "fault-seg", "marker-end": "url(#arrow-" + value + ")" }));
      s.appendChild(fg);
    } else if (kind === "fwd") {
      s.appendChild(svg("line", { x1: -13, y1: 0, x2: 8, y2: 0, "class": "fwd " + value, "marker-end": "url(#arrow-fwd-" + value + ")" }));
    } else {
      var u = svg("use", { href: "#msg-" + value, "class": "msg fam-" + value });
      s.appendChild(u);
    }
    return s;
  }
  function buildLegend() {
    var legend = $("legend"), box = null;
    clear(legend);
    function head(text) { box = el("div", { "class": "group-l" }); legend.appendChild(box); box.appendChild(el("span", { "class": "head" }, text)); }
    function item(sw, text) { var d = el("span", { "class": "item" }); d.appendChild(sw); d.appendChild(el("span", null, text)); box.appendChild(d); }
    head("Routers");
    item(legendSwatch("router", "correct"), "correct");
    item(legendSwatch("router", "missing"), "routes missing");
    item(legendSwatch("router", "wrong"), "wrong routes");
    item(legendSwatch("router", "down"), "crashed");
    head("Links");
    item(legendSwatch("link", "up"), "up");
    item(legendSwatch("link", "down"), "down");
    item(legendSwatch("link", "silent"), "failed silently");
    if (M.faults.length) {
      head("Forwarding");
      item(legendSwatch("fault", "loop"), "loop");
      item(legendSwatch("fault", "blackhole"), "black hole");
    }
    head("Next hops");
    box.id = "legend-forwarding";
    box.hidden = true;
    item(legendSwatch("fwd", "ok"), "right");
    item(legendSwatch("fwd", "bad"), "wrong");
    if (M.msgN) {
      head("Messages");
      FAMILIES.forEach(function (f) {
        var labels = M.kinds.filter(function (k) { return k.family === f; }).map(function (k) { return k.label; });
        if (labels.length) item(legendSwatch("msg", f), labels.join(", "));
      });
      if (M.msgLost.some(function (x) { return x; })) {
        var hollow = legendSwatch("msg", "control");
        hollow.firstChild.setAttribute("class", "msg lost fam-control");
        item(hollow, "lost on the way (hollow)");
      }
    }
  }

  // ---- controls
  function buildSpeeds() {
    var sel = $("speed");
    SPEEDS.forEach(function (s) { sel.appendChild(el("option", { value: String(s) }, fmtSpeed(s))); });
  }
  function bindControls() {
    $("play").addEventListener("click", togglePlay);
    $("speed").addEventListener("change", function () { view.speed = parseFloat(this.value); view.lastTs = null; });
    Array.prototype.forEach.call(document.querySelectorAll("[data-step]"), function (b) {
      b.addEventListener("click", function () { step(b.getAttribute("data-step"), parseInt(b.getAttribute("data-dir"), 10)); });
    });
    $("toggle-costs").addEventListener("click", function () { setCosts(!view.showCosts); });
    $("show-help").addEventListener("click", function () { $("help").hidden = !$("help").hidden; });
    $("close-help").addEventListener("click", function () { $("help").hidden = true; });
    $("slider").addEventListener("input", function () {
      pause();
      seek(view.w0 + (view.w1 - view.w0) * (parseFloat(this.value) / 100000));
    });
    $("window-in").addEventListener("click", function () { zoomWindow(M.time, 0.25); });
    $("window-out").addEventListener("click", function () { zoomWindow(M.time, 4); });
    $("window-fit").addEventListener("click", function () { fitWindow(); drawTrack(); syncSlider(); });
    var track = $("track");
    track.addEventListener("click", function (ev) {
      var r = track.getBoundingClientRect();
      pause();
      seek(view.w0 + (view.w1 - view.w0) * ((ev.clientX - r.left) / r.width));
    });
    track.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var r = track.getBoundingClientRect();
      zoomWindow(view.w0 + (view.w1 - view.w0) * ((ev.clientX - r.left) / r.width), ev.deltaY < 0 ? 0.7 : 1 / 0.7);
    }, { passive: false });
    $("narration").addEventListener("click", function (ev) {
      var li = ev.target.closest("li[data-time]");
      if (li) { pause(); seek(parseFloat(li.getAttribute("data-time"))); }
    });
    $("narration-filter").addEventListener("change", function () { view.filterNarration = this.checked; view.drawn.narration = null; render(); });
    document.addEventListener("keydown", onKey);
  }
  function onKey(ev) {
    var tag = ev.target && ev.target.tagName;
    if (tag === "SELECT" || (tag === "INPUT" && ev.target.type !== "range" && ev.target.type !== "checkbox")) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var k = ev.key, handled = true;
    if (k === " " || k === "Spacebar") togglePlay();
    else if (k === "ArrowRight") step(ev.shiftKey ? "message" : "fib", 1);
    else if (k === "ArrowLeft") step(ev.shiftKey ? "message" : "fib", -1);
    else if (k === "]") step("event", 1);
    else if (k === "[") step("event", -1);
    else if (k === "l" || k === "L") step("loop", ev.shiftKey ? -1 : 1);
    else if (k === "b" || k === "B") step("blackhole", ev.shiftKey ? -1 : 1);
    else if (k === "+" || k === "=") changeSpeed(1);
    else if (k === "-" || k === "_") changeSpeed(-1);
    else if (k === "Home") { pause(); seek(0); }
    else if (k === "End") { pause(); seek(M.end); }
    else if (k === "c" || k === "C") setCosts(!view.showCosts);
    else if (k === "f" || k === "F") fitView();
    else if (k === "Escape") { if (!$("help").hidden) $("help").hidden = true; else if (view.dest !== null) showDest(null); else selectRouter(null); }
    else if (k === "?") $("help").hidden = !$("help").hidden;
    else handled = false;
    if (handled) ev.preventDefault();
  }
  function changeSpeed(dir) {
    var i = SPEEDS.indexOf(view.speed);
    i = Math.min(SPEEDS.length - 1, Math.max(0, (i < 0 ? SPEEDS.indexOf(DEFAULT_SPEED) : i) + dir));
    view.speed = SPEEDS[i];
    $("speed").value = String(view.speed);
    view.lastTs = null;
  }
  function setCosts(on) {
    view.showCosts = on;
    $("net").classList.toggle("show-costs", on);
    $("toggle-costs").setAttribute("aria-pressed", on ? "true" : "false");
  }

  function step(kind, dir) {
    pause();
    var t = M.stepTarget(kind, dir, M.time);
    if (t === null) { flash(kind); return false; }
    seek(t);
    return true;
  }
  function flash(kind) {
    var b = document.querySelector('[data-step="' + kind + '"]');
    if (!b) return;
    b.animate([{ background: "#fbe9df" }, { background: "#fff" }], { duration: 400 });
  }

  function togglePlay() { if (view.playing) pause(); else play(); }
  function play() {
    if (view.playing) return;
    if (M.time >= M.end) seek(0);
    view.playing = true;
    view.lastTs = null;
    $("controls").classList.add("playing");
    $("play-label").textContent = "Pause";
    requestAnimationFrame(frame);
  }
  function pause() {
    if (!view.playing) return;
    view.playing = false;
    $("controls").classList.remove("playing");
    $("play-label").textContent = "Play";
    renderNarration(); // it is throttled while playing: bring it up to date
    scrollNarration();
  }
  function frame(ts) {
    if (!view.playing) return;
    var dt = view.lastTs === null ? 0 : Math.min(0.25, (ts - view.lastTs) / 1000);
    view.lastTs = ts;
    var t = M.time + dt * view.speed;
    if (t >= M.end) { t = M.end; pause(); }
    seek(t);
    if (view.playing) requestAnimationFrame(frame);
  }

  // ---- the time window of the timeline
  function fitWindow() { view.w0 = 0; view.w1 = M.end > 0 ? M.end : 1; }
  function setWindow(a, b) {
    var full = M.end > 0 ? M.end : 1;
    var w = Math.min(full, Math.max(b - a, 1e-6));
    a = Math.max(0, Math.min(a, full - w));
    view.w0 = a; view.w1 = a + w;
  }
  function zoomWindow(center, f) {
    var w = (view.w1 - view.w0) * f;
    var frac = (center - view.w0) / (view.w1 - view.w0);
    setWindow(center - frac * w, center - frac * w + w);
    drawTrack(); syncSlider();
  }
  function followWindow(t) {
    if (t >= view.w0 && t <= view.w1) return false;
    var w = view.w1 - view.w0;
    setWindow(t - (view.playing ? 0.05 : 0.5) * w, t - (view.playing ? 0.05 : 0.5) * w + w);
    return true;
  }

  // ---- seeking and rendering
  function seek(t) {
    if (!isFinite(t)) return;
    t = Math.min(Math.max(0, t), M.end);
    M.seek(t);
    if (followWindow(t)) drawTrack();
    render();
  }

  function render(force) {
    if (force) { view.drawn = {}; }
    renderClock();
    renderLinks();
    renderRouters();
    renderForwarding();
    renderFaults();
    renderMessages();
    renderSidePanel();
    renderNarration();
    syncSlider();
    drawPlayhead();
    scrollNarration();
  }

  function renderClock() {
    var t = M.time;
    var box = $("time-display");
    box.setAttribute("data-time", String(t));
    var s = t.toFixed(6), dot = s.indexOf(".");
    clear(box);
    box.appendChild(document.createTextNode("t = " + s.slice(0, dot + 4)));
    box.appendChild(el("span", { "class": "fine" }, s.slice(dot + 4)));
    box.appendChild(el("span", { "class": "unit" }, "s"));
    var ctx = $("time-context");
    clear(ctx);
    var i = upperBound(M.eventTimesAll, t) - 1;
    if (i >= 0) {
      var ev = M.events[i];
      ctx.appendChild(document.createTextNode("+" + fmtDuration(t - ev.time) + " after "));
      ctx.appendChild(el("b", null, ev.text));
    } else if (M.events.length) {
      ctx.appendChild(document.createTextNode(fmtDuration(M.events[0].time - t) + " before "));
      ctx.appendChild(el("b", null, M.events[0].text));
    } else ctx.textContent = "no scripted events";
    renderSummary();
  }

  function renderSummary() {
    var counts = { correct: 0, missing: 0, wrong: 0, down: 0, unjudged: 0 };
    for (var r = 0; r < M.n; r++) counts[M.judge(r).status]++;
    var active = M.activeFaults(M.time);
    var loops = new Set(), holes = new Set();
    active.forEach(function (f) { (f.kind === "loop" ? loops : holes).add(f.dest); });
    var inflight = M.inFlight(M.time, Infinity).length;
    var key = [counts.correct, counts.missing, counts.wrong, counts.down, loops.size, holes.size, inflight].join(",");
    if (view.drawn.summary === key) return;
    view.drawn.summary = key;
    var ul = $("summary");
    clear(ul);
    var up = M.n - counts.down;
    var li = el("li", { "data-chip": "routers", "class": counts.correct === up ? "" : "alert" });
    li.appendChild(el("span", { "class": "dot", style: "background:" + (counts.correct === up ? "#009E73" : "#D55E00") }));
    li.appendChild(el("b", null, counts.correct + " / " + up));
    li.appendChild(document.createTextNode(" routers correct"));
    ul.appendChild(li);
    if (counts.down) ul.appendChild(chip("down", counts.down + " crashed", false));
    if (M.faults.length) {
      ul.appendChild(chip("loops", loops.size ? "loops to " + loops.size + " dest" + (loops.size > 1 ? "s" : "") : "no loops", loops.size > 0));
      ul.appendChild(chip("blackholes", holes.size ? "black holes to " + holes.size + " dest" + (holes.size > 1 ? "s" : "") : "no black holes", holes.size > 0));
    }
    if (M.msgN) ul.appendChild(chip("inflight", inflight + " in flight", false));
  }
  function chip(name, text, alert) { return el("li", { "data-chip": name, "class": alert ? "alert" : "" }, text); }

  function renderLinks() {
    var st = M.topoState;
    if (view.drawn.links === M.topoK) return;
    view.drawn.links = M.topoK;
    M.links.forEach(function (l, i) {
      var s = st.links[i], o = nodes.links[i];
      var anyDown = st.down.has(l.a) || st.down.has(l.b);
      var state = !s.up ? (s.silent ? "silent" : "down") : anyDown ? "down" : "up";
      o.g.setAttribute("data-state", state);
      o.g.setAttribute("data-cause", s.up && anyDown ? "router" : ""); // dead because an end crashed: no cut drawn
      o.cost.textContent = s.costAB === s.costBA ? fmtCost(s.costAB) : fmtCost(s.costAB) + " / " + fmtCost(s.costBA);
      var costs = s.costAB === s.costBA ? "cost " + fmtCost(s.costAB)
        : "cost " + fmtCost(s.costAB) + " from " + l.a + ", " + fmtCost(s.costBA) + " from " + l.b;
      o.title.textContent = l.a + " \u2013 " + l.b + ": " + (state === "up" ? "up" : state === "silent" ? "down (silent: the routers have not been told)" : s.up ? "unusable (a router at its end is down)" : "down") +
        ", " + costs + ", delay " + fmtDuration(l.delay);
    });
  }

  function renderRouters() {
    for (var r = 0; r < M.n; r++) {
      var j = M.judge(r), o = nodes.routers[r];
      var sel = view.selected === M.names[r];
      var key = j.key + (sel ? "s" : "");
      if (o.key === key) continue;
      o.key = key;
      o.g.setAttribute("data-status", j.status);
      o.g.classList.toggle("selected", sel);
      o.glyph.textContent = GLYPH[j.status] || "";
      var bad = j.missing + j.wrong + j.extra;
      o.badge.style.display = bad && view.radius >= 9 ? "" : "none"; // on a crowded map the colour says enough
      o.btext.textContent = bad > 99 ? "99+" : String(bad);
      o.title.textContent = M.names[r] + ": " + STATUS_LABEL[j.status] + (bad ? " (" + bad + " entr" + (bad > 1 ? "ies" : "y") + " differ)" : "");
    }
  }

  // ---- faults (loops and black holes) as arrows along their witness paths
  function faultGroups() {
    var groups = new Map();
    M.activeFaults(M.time).forEach(function (f) {
      if (view.dest !== null && f.dest !== view.dest) return; // with a destination chosen, only its faults
      var key = f.kind + "|" + f.path.join("\u0000");
      var g = groups.get(key);
      if (!g) { g = { key: key, kind: f.kind, path: f.path, dests: [] }; groups.set(key, g); }
      g.dests.push(f.dest);
    });
    return Array.from(groups.values()).sort(function (a, b) { return cmpStr(a.kind, b.kind) || cmpStr(a.key, b.key); });
  }
  function renderFaults() {
    var groups = faultGroups();
    var sig = groups.map(function (g) { return g.key + ">" + g.dests.join(","); }).join(";") + "|" + M.topoK + "|" + view.dest;
    if (view.drawn.faults === sig) return;
    view.drawn.faults = sig;
    view.faultGroups = groups;
    var layer = nodes.faultLayer;
    clear(layer);
    groups.forEach(function (g, gi) { layer.appendChild(faultShape(g, gi)); });
    renderFaultList(groups);
  }
  function linkUsable(a, b) {
    var l = M.linkByPair.get(pairKey(a, b));
    if (!l) return false;
    var st = M.topoState;
    return st.links[l.i].up && !st.down.has(a) && !st.down.has(b);
  }
  function faultShape(g, gi) {
    var grp = svg("g", { "class": "fault " + g.kind, "data-kind": g.kind, "data-group": gi, "data-dests": g.dests.join(",") });
    var R = view.radius, path = g.path;
    var off = g.kind === "loop" ? 5 : 0;
    for (var i = 0; i + 1 < path.length; i++) {
      var a = M.index.get(path[i]), b = M.index.get(path[i + 1]);
      var p = view.pos[a], q = view.pos[b];
      var len = Math.hypot(q[0] - p[0], q[1] - p[1]) || 1, ux = (q[0] - p[0]) / len, uy = (q[1] - p[1]) / len;
      var nx = -uy * off, ny = ux * off;
      var last = i + 2 === path.length;
      var dead = g.kind === "blackhole" && last && !linkUsable(path[i], path[i + 1]);
      var endGap = dead ? Math.max(R + 4, len / 2 + 13) : R + 4;
      var x1 = p[0] + ux * (R + 3) + nx, y1 = p[1] + uy * (R + 3) + ny;
      var x2 = q[0] - ux * endGap + nx, y2 = q[1] - uy * endGap + ny;
      grp.appendChild(svg("line", { x1: x1, y1: y1, x2: x2, y2: y2, "class": "fault-seg", "marker-end": dead ? "" : "url(#arrow-" + g.kind + ")" }));
      if (dead) grp.appendChild(holeMark(x2, y2));
    }
    if (g.kind === "blackhole" && (path.length === 1 || linkUsable(path[path.length - 2], path[path.length - 1]))) {
      var e = view.pos[M.index.get(path[path.length - 1])];
      grp.appendChild(holeMark(e[0] - R - 11, e[1] + R * 0.2));
    }
    return grp;
  }
  function holeMark(x, y) {
    var g = svg("g", { "class": "fault-hole-mark", transform: "translate(" + x + " " + y + ")" });
    g.appendChild(svg("circle", { r: 8, "class": "fault-hole" }));
    g.appendChild(svg("line", { x1: -3.6, y1: -3.6, x2: 3.6, y2: 3.6, "class": "fault-hole-x" }));
    g.appendChild(svg("line", { x1: -3.6, y1: 3.6, x2: 3.6, y2: -3.6, "class": "fault-hole-x" }));
    return g;
  }
  function renderFaultList(groups) {
    var panel = $("fault-panel"), ul = $("fault-list");
    clear(ul);
    $("fault-heading").textContent = view.dest === null ? "Forwarding faults now" : "Forwarding faults towards " + view.dest + " now";
    panel.hidden = groups.length === 0;
    groups.forEach(function (g, gi) {
      var li = el("li", { "data-kind": g.kind, "data-group": gi });
      li.appendChild(el("span", { "class": "tag " + g.kind }, g.kind === "loop" ? "loop" : "black hole"));
      var text = el("span");
      var p = g.path.slice();
      var tail = "";
      if (g.kind === "blackhole" && p.length > 1 && !linkUsable(p[p.length - 2], p[p.length - 1])) tail = " \u2192 \u2715 " + p.pop();
      else if (g.kind === "blackhole") tail = " \u2192 \u2715 (no route)";
      text.appendChild(el("span", { "class": "path" }, p.join(" \u2192 ") + tail));
      text.appendChild(el("span", { "class": "dests" }, "  towards " + g.dests.join(", ")));
      li.appendChild(text);
      li.addEventListener("mouseenter", function () { focusFault(gi, g.dests); });
      li.addEventListener("mouseleave", function () { focusFault(null, []); });
      ul.appendChild(li);
    });
  }
  function focusFault(gi, dests) {
    var layer = nodes.faultLayer;
    layer.classList.toggle("focused", gi !== null);
    Array.prototype.forEach.call(layer.children, function (g) { g.classList.toggle("focus", String(gi) === g.getAttribute("data-group")); });
    nodes.routers.forEach(function (o, r) { o.g.classList.toggle("dest-focus", dests.indexOf(M.names[r]) >= 0); });
  }

  // ---- forwarding towards one destination: every router's FIB next hops as arrows
  /* The question a student asks after "which routers are wrong?" is "where do packets for X go?":
   * the arrows show the forwarding graph towards one destination, green where the entry is right,
   * vermillion where it is wrong, so a loop or a dead end reads straight off the map. */
  function destinations() {
    var seen = new Set(M.names);
    (doc.fib.dest || []).forEach(function (d) { seen.add(d); });
    return Array.from(seen).sort(cmpStr);
  }
  function buildDestSelect() {
    var sel = $("dest-select");
    sel.appendChild(el("option", { value: "" }, "— none —"));
    destinations().forEach(function (d) { sel.appendChild(el("option", { value: d }, d)); });
    sel.addEventListener("change", function () { showDest(this.value || null); });
  }
  function showDest(d) {
    if (d !== null && !destinations().some(function (x) { return x === d; })) return false;
    view.dest = d;
    $("dest-select").value = d || "";
    view.drawn.forwarding = null;
    nodes.routers.forEach(function (o, r) { o.g.classList.toggle("dest-target", M.names[r] === d); });
    $("legend-forwarding").hidden = d === null;
    if (view.ready) render();
    return true;
  }
  function renderForwarding() {
    var d = view.dest, layer = nodes.fwdLayer;
    var key = d === null ? "" : d + ":" + M.cursor + ":" + M.topoK + ":" + M.epoch;
    if (view.drawn.forwarding === key) return;
    view.drawn.forwarding = key;
    clear(layer);
    if (d === null) return;
    var exp = M.expectedTables(M.epoch), R = view.radius;
    for (var r = 0; r < M.n; r++) {
      if (M.isDown(r) || M.names[r] === d) continue;
      var entry = M.fibs[r].get(d);
      if (!entry) continue;
      var want = exp ? (exp.tables.get(M.names[r]) || new Map()).get(d) : undefined;
      var ok = exp ? entryStatus(entry, want === undefined ? null : want) === "ok" : true;
      entry.hops.forEach(function (h) {
        var j = M.index.get(h);
        if (j === undefined) return;
        var p = view.pos[r], q = view.pos[j];
        var len = Math.hypot(q[0] - p[0], q[1] - p[1]) || 1, ux = (q[0] - p[0]) / len, uy = (q[1] - p[1]) / len;
        var off = 3.5;
        layer.appendChild(svg("line", {
          x1: p[0] + ux * (R + 2) - uy * off, y1: p[1] + uy * (R + 2) + ux * off,
          x2: q[0] - ux * (R + 5) - uy * off, y2: q[1] - uy * (R + 5) + ux * off,
          "class": "fwd " + (ok ? "ok" : "bad"), "data-from": M.names[r], "data-to": h,
          "marker-end": "url(#arrow-fwd-" + (ok ? "ok" : "bad") + ")"
        }));
      });
    }
  }

  // ---- messages in flight, drawn on a canvas over the map
  /* Why a canvas: messages move on every frame of play, and moving SVG shapes makes the browser
   * repaint the whole map each frame; the canvas is cleared and redrawn alone, the map only
   * repaints when a link, a router or a fault changes. */
  var FAMILY_FILL = { hello: "#56B4E9", flood: "#0072B2", ack: "#F0E442", update: "#CC79A7", control: "#000000" };
  var FAMILY_EDGE = { ack: "#6b6100" };
  function messageShape(g, fam, x, y) {
    g.beginPath();
    if (fam === "flood") { g.moveTo(x, y - 7); g.lineTo(x + 7, y); g.lineTo(x, y + 7); g.lineTo(x - 7, y); g.closePath(); }
    else if (fam === "ack") g.rect(x - 5, y - 5, 10, 10);
    else if (fam === "update") { g.moveTo(x, y - 7); g.lineTo(x + 6.5, y + 5); g.lineTo(x - 6.5, y + 5); g.closePath(); }
    else g.arc(x, y, fam === "hello" ? 5.5 : 5, 0, 2 * Math.PI);
  }
  function sizeMessageCanvas() {
    var c = $("msg-canvas"), box = $("net-box"), dpr = window.devicePixelRatio || 1;
    c.width = Math.round(box.clientWidth * dpr);
    c.height = Math.round(box.clientHeight * dpr);
  }
  function renderMessages() {
    var c = $("msg-canvas");
    if (!M.msgN) return;
    var g = c.getContext("2d"), dpr = window.devicePixelRatio || 1;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, c.width, c.height);
    var t = M.time, list = M.inFlight(t, MAX_DRAWN_MESSAGES), R = view.radius + 2, lost = 0;
    for (var k = 0; k < list.length; k++) {
      var i = list[k];
      var p = view.pos[M.msgSrc[i]], q = view.pos[M.msgDst[i]];
      var len = Math.hypot(q[0] - p[0], q[1] - p[1]) || 1, ux = (q[0] - p[0]) / len, uy = (q[1] - p[1]) / len;
      var run = Math.max(0, len - 2 * R), dur = M.msgEnd[i] - M.msgT0[i];
      var f = dur > 0 ? (t - M.msgT0[i]) / dur : 0;
      // from edge to edge of the two routers, on the right-hand side of the direction of travel
      var x = p[0] + ux * (R + run * f) - uy * 5, y = p[1] + uy * (R + run * f) + ux * 5;
      var kind = M.kinds[M.msgKind[i]], fam = kind ? kind.family : "control";
      messageShape(g, fam, x, y);
      if (M.msgLost[i]) {
        lost++;
        g.lineWidth = 2.2; g.strokeStyle = FAMILY_EDGE[fam] || FAMILY_FILL[fam]; g.stroke();
      } else {
        g.fillStyle = FAMILY_FILL[fam]; g.fill();
        g.lineWidth = FAMILY_EDGE[fam] ? 1 : 1.3; g.strokeStyle = FAMILY_EDGE[fam] || "#ffffff"; g.stroke();
      }
    }
    c.setAttribute("data-drawn", String(list.length));
    c.setAttribute("data-lost", String(lost));
    view.drawnMessages = list.length;
  }

  // ---- side panel: one router's table, or the list of routers
  function selectRouter(name) {
    if (name !== null && !M.index.has(name)) return false;
    view.selected = name;
    view.drawn.panel = null;
    view.drawn.narration = null;
    nodes.routers.forEach(function (o) { o.key = ""; });
    var lab = $("narration-filter-label");
    lab.hidden = name === null;
    $("narration-filter-router").textContent = name || "";
    if (name === null) { view.filterNarration = false; $("narration-filter").checked = false; }
    render();
    return true;
  }
  function renderSidePanel() {
    var name = view.selected;
    if (name === null && view.drawn.panel === "list") { updateRouterList(); return; }
    var atChange = M.fibTimes[lowerBound(M.fibTimes, M.time)] === M.time; // rows changed right now are marked
    var key = name === null ? "list" : name + ":" + M.judge(M.index.get(name)).key + ":" + (atChange ? M.time : "") + ":" + view.dest;
    if (view.drawn.panel === key) return;
    view.drawn.panel = key;
    var title = $("router-title"), body = $("router-body");
    clear(title); clear(body);
    if (name === null) { renderRouterList(title, body); return; }
    var r = M.index.get(name);
    title.appendChild(el("span", null, name));
    var close = el("button", { type: "button", "class": "close", title: "Close (Esc)", "aria-label": "close" }, "\u00d7");
    close.addEventListener("click", function () { selectRouter(null); });
    title.appendChild(close);
    var rows = M.table(r);
    if (rows === null) {
      body.appendChild(el("p", { "class": "down-note", id: "router-down" }, name + " is down: it has no FIB until it restarts."));
      return;
    }
    var bad = rows.filter(function (x) { return x.status !== "ok"; }).length;
    var judged = M.epoch >= 0;
    var summary = !judged ? "no expected tables at this instant" : bad === 0 ? "every entry matches the shortest paths"
      : bad + " of " + rows.length + " entr" + (rows.length > 1 ? "ies differ" : "y differs") + " from shortest paths";
    body.appendChild(el("p", { "class": "table-summary " + (!judged ? "" : bad ? "bad" : "good") }, summary));
    var table = el("table", { id: "router-table", "data-router": name, "data-time": String(M.time) });
    var cols = el("colgroup");
    ["c-mark", "c-dest", "c-fib", "c-expected"].forEach(function (c) { cols.appendChild(el("col", { "class": c })); });
    table.appendChild(cols);
    var thead = el("thead"), hr = el("tr");
    ["", "dest", "FIB", "should be"].forEach(function (h) { hr.appendChild(el("th", null, h)); });
    thead.appendChild(hr);
    table.appendChild(thead);
    var tbody = el("tbody");
    var recent = M.lastChange[r];
    rows.forEach(function (row) {
      var tr = el("tr", { "data-dest": row.dest, "data-status": row.status });
      var k = recent.get(row.dest);
      if (k !== undefined && M.opTime[k] === M.time) tr.classList.add("changed"); // changed at this very instant
      tr.appendChild(el("td", { "class": "mark", title: row.status }, MARKS[row.status]));
      var destCell = el("td", { "class": "dest", title: "Show forwarding towards " + row.dest }, row.dest);
      destCell.addEventListener("click", function () { showDest(view.dest === row.dest ? null : row.dest); });
      if (view.dest === row.dest) tr.classList.add("shown");
      tr.appendChild(destCell);
      tr.appendChild(routeCell("fib", row.actual));
      tr.appendChild(routeCell("expected", row.expected));
      tbody.appendChild(tr);
    });
    if (!rows.length) {
      var tr0 = el("tr"); tr0.appendChild(el("td", { colspan: 4, "class": "down-note" }, "empty FIB, nothing expected"));
      tbody.appendChild(tr0);
    }
    table.appendChild(tbody);
    body.appendChild(table);
    body.appendChild(el("p", { "class": "hint" }, "marks: - missing \u00b7 \u2260 wrong (cost or next hop) \u00b7 + extra (a route to an unreachable destination)"));
  }
  /* "via A,B cost 3" with a possible line break only before "cost", so narrow panels stay tidy. */
  function routeCell(cls, route) {
    var td = el("td", { "class": cls });
    if (!route) { td.textContent = describe(route); return td; }
    td.appendChild(el("span", { "class": "via" }, "via " + (route.hops.length ? route.hops.join(",") : "-")));
    td.appendChild(document.createTextNode(" "));
    td.appendChild(el("span", { "class": "cost" }, "cost " + fmtCost(route.cost)));
    return td;
  }
  var STATUS_COLOUR = { correct: "#009E73", missing: "#E69F00", wrong: "#D55E00", down: "#d0d4d9", unjudged: "#56B4E9" };
  function renderRouterList(title, body) {
    title.appendChild(el("span", null, "Routers"));
    body.appendChild(el("p", { "class": "hint" }, "Click a router (here or on the map) for its routing table at this instant."));
    var ul = el("ul", { id: "router-list" });
    view.listItems = [];
    M.names.map(function (n, r) { return [n, r]; }).sort(function (a, b) { return cmpStr(a[0], b[0]); }).forEach(function (nr) {
      var li = el("li", { "data-router": nr[0] });
      var item = { r: nr[1], li: li, dot: el("span", { "class": "dot" }), count: el("span", { "class": "count" }), key: "" };
      li.appendChild(item.dot);
      li.appendChild(el("span", { "class": "name" }, nr[0]));
      li.appendChild(item.count);
      li.addEventListener("click", function () { selectRouter(nr[0]); });
      ul.appendChild(li);
      view.listItems.push(item);
    });
    body.appendChild(ul);
    updateRouterList();
  }
  /* Only the routers whose verdict changed are touched: this list is redrawn on every frame of play. */
  function updateRouterList() {
    (view.listItems || []).forEach(function (item) {
      var j = M.judge(item.r);
      if (item.key === j.key) return;
      item.key = j.key;
      item.li.setAttribute("data-status", j.status);
      item.dot.style.background = STATUS_COLOUR[j.status];
      var bad = j.missing + j.wrong + j.extra;
      item.count.textContent = bad ? String(bad) : "";
    });
  }

  // ---- narration: the lines `netsim explain` prints, around the current instant
  function narrationBody(line) {
    if (line.kind === "route") return [line.text, line.cause ? "   [" + line.cause + "]" : ""];
    if (line.kind === "event" || line.kind === "link" || line.kind === "node") return [line.text, ""];
    if (line.kind === "spf" && line.cause) return [line.text, " (reason: " + line.cause + ")"];
    return [line.text, line.cause ? ": " + line.cause : ""];
  }
  function narrationIndex() {
    if (!view.filterNarration || view.selected === null) return null;
    view.narrFilterCache = view.narrFilterCache || new Map();
    var hit = view.narrFilterCache.get(view.selected);
    if (hit) return hit;
    var sel = view.selected, idx = [];
    M.narration.forEach(function (ln, i) { if (ln.router === sel || ln.kind === "event" || ((ln.kind === "link" || ln.kind === "node") && ln.text.indexOf(sel) >= 0)) idx.push(i); });
    hit = { idx: Int32Array.from(idx), times: Float64Array.from(idx.map(function (i) { return M.narration[i].time; })) };
    view.narrFilterCache.set(sel, hit);
    return hit;
  }
  var NARR_BEFORE = 40, NARR_AFTER = 6;
  /* A window of lines around the current one.  Lines already shown are kept (only their classes
   * change), so stepping or playing through a long story adds and removes a few elements at a time. */
  function renderNarration() {
    if (view.playing && performance.now() - (view.narratedAt || 0) < 120) return; // readable, and cheap while playing
    view.narratedAt = performance.now();
    var filt = narrationIndex();
    var times = filt ? filt.times : M.narrTimes;
    var at = upperBound(times, M.time) - 1;
    var source = filt ? "r:" + view.selected : "all";
    var key = source + ":" + at;
    if (view.drawn.narration === key) return;
    view.drawn.narration = key;
    var ol = $("narration"), n = times.length;
    var lo = Math.max(0, at - NARR_BEFORE + 1), hi = Math.min(n, at + 1 + NARR_AFTER);
    var win = view.narrWindow;
    if (!win || win.source !== source || !n) {
      clear(ol);
      win = view.narrWindow = { source: source, items: new Map(), head: el("li", { "class": "more" }), tail: el("li", { "class": "more" }) };
      if (!n) { ol.appendChild(el("li", { "class": "more" }, "no narration in this replay")); return; }
      ol.appendChild(win.head);
      ol.appendChild(win.tail);
    }
    win.items.forEach(function (li, k) { if (k < lo || k >= hi) { li.remove(); win.items.delete(k); } });
    var firstKept = Infinity; // the kept lines are contiguous: new ones go before them or after them
    win.items.forEach(function (_li, k) { if (k < firstKept) firstKept = k; });
    for (var k = lo; k < hi; k++) {
      if (win.items.has(k)) continue;
      var li = narrationItem(M.narration[filt ? filt.idx[k] : k]);
      ol.insertBefore(li, k < firstKept && firstKept !== Infinity ? win.items.get(firstKept) : win.tail);
      win.items.set(k, li);
    }
    var nowT = at >= 0 ? times[at] : null, currentEl = null;
    win.items.forEach(function (li, k) {
      var cls = k > at ? "future" : times[k] === nowT ? "current" : "";
      if (li.getAttribute("data-when") !== cls) { li.setAttribute("data-when", cls); li.className = li.getAttribute("data-base") + " " + cls; }
      if (cls === "current" && (currentEl === null || k < currentEl.k)) currentEl = { k: k, li: li };
    });
    win.head.textContent = at < 0 ? "nothing has happened yet" : lo > 0 ? lo + " earlier lines" : "";
    win.head.hidden = !win.head.textContent;
    win.tail.textContent = hi < n ? (n - hi) + " later lines" : "";
    win.tail.hidden = !win.tail.textContent;
    view.narrationAnchor = currentEl ? currentEl.li : ol.querySelector("li.future") || win.tail;
  }
  function narrationItem(ln) {
    var base = "k-" + ln.kind;
    var li = el("li", { "class": base, "data-base": base, "data-time": String(ln.time), "data-kind": ln.kind });
    li.appendChild(el("span", { "class": "t" }, ln.time.toFixed(3)));
    var body = el("span", { "class": "body-wrap" });
    if (ln.router) body.appendChild(el("span", { "class": "who" }, ln.router));
    var parts = narrationBody(ln);
    body.appendChild(el("span", { "class": "body" }, parts[0]));
    if (parts[1]) body.appendChild(el("span", { "class": "cause" }, parts[1]));
    li.appendChild(body);
    return li;
  }
  /* Scrolling reads layout, so it runs last in a frame, after every change that invalidates layout. */
  function scrollNarration() {
    var anchor = view.narrationAnchor, ol = $("narration");
    view.narrationAnchor = null;
    if (!anchor) return;
    var below = anchor.getBoundingClientRect().top - ol.getBoundingClientRect().top;
    ol.scrollTop = Math.max(0, ol.scrollTop + below - ol.clientHeight * 0.35);
  }

  // ---- timeline track
  function syncSlider() {
    var v = Math.round((M.time - view.w0) / (view.w1 - view.w0) * 100000);
    var s = $("slider");
    var clamped = String(Math.min(100000, Math.max(0, v)));
    if (s.value !== clamped) s.value = clamped;
    var span = view.w1 - view.w0;
    $("window-start").textContent = fmtAxis(view.w0, span);
    $("window-end").textContent = fmtAxis(view.w1, span);
  }
  var trackImage = null;
  /* Rows, top to bottom: scripted events, loops, black holes, FIB changes over message density. */
  var TRACK_H = 44, ROW = 11;
  function drawTrack() {
    var c = $("track"), box = $("track-box");
    var W = box.clientWidth, H = TRACK_H, dpr = window.devicePixelRatio || 1;
    if (!W) return;
    c.width = Math.round(W * dpr); c.height = Math.round(H * dpr);
    var g = c.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, W, H);
    var w0 = view.w0, span = view.w1 - view.w0;
    function X(t) { return (t - w0) / span * W; }
    g.fillStyle = "#f1f3f6"; g.fillRect(0, ROW, W, H - ROW);
    g.fillStyle = "#e6e9ed"; g.fillRect(0, 2 * ROW, W, 1); g.fillRect(0, 3 * ROW, W, 1);
    if (M.msgN) {
      var bins = new Float64Array(Math.ceil(W)), lo = lowerBound(M.msgT0, w0), hi = upperBound(M.msgT0, view.w1), peak = 0;
      for (var i = lo; i < hi; i++) { var b = Math.min(bins.length - 1, Math.floor(X(M.msgT0[i]))); bins[b]++; if (bins[b] > peak) peak = bins[b]; }
      g.fillStyle = "rgba(86,180,233,0.6)";
      for (var x = 0; x < bins.length; x++) if (bins[x]) { var h = 2 + (ROW - 3) * Math.log1p(bins[x]) / Math.log1p(peak); g.fillRect(x, H - h, 1, h); }
    }
    g.fillStyle = "#0072B2";
    var flo = lowerBound(M.fibTimes, w0), fhi = upperBound(M.fibTimes, view.w1), lastX = -2;
    for (var j = flo; j < fhi; j++) { var fx = Math.round(X(M.fibTimes[j])); if (fx !== lastX) { g.fillRect(fx, 3 * ROW + 1, 1.5, ROW - 1); lastX = fx; } }
    M.faults.forEach(function (f) {
      if (f.t1 < w0 || f.t0 > view.w1) return;
      var x0 = X(f.t0), x1 = Math.max(X(f.t1), x0 + 2);
      g.fillStyle = f.kind === "loop" ? "#D55E00" : "#000000";
      g.fillRect(x0, (f.kind === "loop" ? ROW : 2 * ROW) + 2, x1 - x0, ROW - 4);
    });
    g.fillStyle = "#CC79A7"; g.strokeStyle = "#CC79A7"; g.lineWidth = 1.5;
    M.events.forEach(function (e) {
      if (e.time < w0 || e.time > view.w1) return;
      var ex = X(e.time);
      g.beginPath(); g.moveTo(ex, ROW); g.lineTo(ex, H); g.stroke();
      g.beginPath(); g.moveTo(ex - 6, 0); g.lineTo(ex + 6, 0); g.lineTo(ex, ROW - 1); g.closePath(); g.fill();
    });
    trackImage = g.getImageData(0, 0, c.width, c.height);
    drawPlayhead();
  }
  function drawPlayhead() {
    var c = $("track");
    if (!trackImage || trackImage.width !== c.width) return;
    var g = c.getContext("2d");
    g.putImageData(trackImage, 0, 0);
    var dpr = window.devicePixelRatio || 1, W = c.width / dpr;
    var x = (M.time - view.w0) / (view.w1 - view.w0) * W;
    if (x < 0 || x > W) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = "#1b1f24";
    g.fillRect(x - 1, 0, 2, TRACK_H);
  }

  // ------------------------------------------------------------------ test and automation API
  function snapshot() {
    var routers = {}, correct = [], incorrect = [], down = [];
    M.names.forEach(function (name, r) {
      var j = M.judge(r);
      routers[name] = { status: j.status, missing: j.missing, wrong: j.wrong, extra: j.extra };
      if (j.status === "down") down.push(name);
      else if (j.status === "correct") correct.push(name);
      else if (j.status !== "unjudged") incorrect.push(name);
    });
    var links = {};
    M.links.forEach(function (l, i) { links[l.a + "|" + l.b] = nodes.links[i].g.getAttribute("data-state"); });
    return {
      time: M.time, end: M.end, epoch: M.epoch, routers: routers, correct: correct, incorrect: incorrect, down: down,
      links: links, inFlight: M.inFlight(M.time, Infinity).length, drawnMessages: view.drawnMessages || 0,
      faults: M.activeFaults(M.time).map(function (f) { return { dest: f.dest, kind: f.kind, path: f.path.slice() }; }),
      selected: view.selected, dest: view.dest, playing: view.playing, speed: view.speed
    };
  }
  window.netsimReplay = {
    seek: function (t) { pause(); seek(t); return M.time; },
    time: function () { return M.time; },
    state: snapshot,
    step: function (kind, dir) { return step(kind, dir === undefined ? 1 : dir) ? M.time : null; },
    selectRouter: function (name) { return selectRouter(name === undefined ? null : name); },
    showDest: function (dest) { return showDest(dest === undefined ? null : dest); },
    table: function (name) {
      var r = M.index.get(name === undefined ? view.selected : name);
      if (r === undefined) return null;
      var rows = M.table(r);
      return rows === null ? null : rows.map(function (x) {
        return { dest: x.dest, fib: describe(x.actual), expected: describe(x.expected), status: x.status };
      });
    },
    play: function (speed) { if (speed) { view.speed = speed; $("speed").value = String(speed); } play(); },
    pause: pause,
    setWindow: function (a, b) { setWindow(a, b); drawTrack(); syncSlider(); },
    version: 1
  };

  function safeStart() {
    try { start(); } catch (err) { fatal("The replay viewer failed to start: " + (err && err.message ? err.message : err)); throw err; }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", safeStart); else safeStart();
})();
