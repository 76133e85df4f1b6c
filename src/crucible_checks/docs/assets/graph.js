// Page graph viewer: a force layout on a canvas, with pan, zoom, search and
// a panel listing the neighbours of the selected page. Page titles only ever
// reach the page through textContent and canvas fillText, never as markup.
(function () {
  "use strict";

  const MISSING = 1;
  const ORPHAN = 2;
  const LINK_LENGTH = 40;
  const MAX_RESULTS = 50;
  const MAX_LISTED = 200;
  const MAX_LABELS = 150;
  const FRAME_BUDGET_MS = 20;
  const REDRAW_MS = 250;
  const MIN_ALPHA = 0.005;

  const data = JSON.parse(document.getElementById("graph-data").textContent);
  // Each node is [id, title, path, flags]; edges is a flat [source, target, ...]
  // list of node indexes.
  const nodes = data.nodes;
  const edges = Int32Array.from(data.edges);
  const count = nodes.length;
  const edgeCount = edges.length / 2;

  const canvas = document.getElementById("graph");
  const context = canvas.getContext("2d");
  const search = document.getElementById("search");
  const results = document.getElementById("results");

  const x = new Float64Array(count);
  const y = new Float64Array(count);
  const vx = new Float64Array(count);
  const vy = new Float64Array(count);
  const grid = { cellOf: new Int32Array(count), members: new Int32Array(count) };
  const outgoing = adjacency(0);
  const incoming = adjacency(1);
  const byDegree = Array.from({ length: count }, (_, i) => i).sort(
    (a, b) => degree(b) - degree(a) || a - b
  );
  const haystack = nodes.map((node) => (node[1] + "\n" + node[0]).toLowerCase());

  const view = { scale: 1, dx: 0, dy: 0, width: 0, height: 0, ratio: 1 };
  const state = { selected: -1, hover: -1, alpha: 1, userMoved: false, active: -1 };
  let matches = [];

  // Compressed adjacency lists: neighbours of node i are list[start[i]..start[i+1]).
  function adjacency(side) {
    const start = new Int32Array(count + 1);
    for (let e = 0; e < edgeCount; e++) start[edges[2 * e + side] + 1]++;
    for (let i = 0; i < count; i++) start[i + 1] += start[i];
    const fill = start.slice(0, count);
    const list = new Int32Array(edgeCount);
    for (let e = 0; e < edgeCount; e++) {
      list[fill[edges[2 * e + side]]++] = edges[2 * e + 1 - side];
    }
    return { start, list };
  }

  function neighbours(lists, i) {
    return lists.list.subarray(lists.start[i], lists.start[i + 1]);
  }

  // Start from a spiral in breadth-first order, so linked pages start close
  // together and the layout settles in few steps. The layout uses no random
  // numbers, so the same graph always gets the same picture.
  function initialLayout() {
    const order = new Int32Array(count);
    const seen = new Uint8Array(count);
    let head = 0;
    let tail = 0;
    for (const root of byDegree) {
      if (seen[root]) continue;
      seen[root] = 1;
      order[tail++] = root;
      while (head < tail) {
        const i = order[head++];
        for (const lists of [outgoing, incoming]) {
          for (const j of neighbours(lists, i)) {
            if (!seen[j]) {
              seen[j] = 1;
              order[tail++] = j;
            }
          }
        }
      }
    }
    const golden = Math.PI * (3 - Math.sqrt(5));
    for (let k = 0; k < count; k++) {
      const radius = LINK_LENGTH * 0.6 * Math.sqrt(k + 0.5);
      x[order[k]] = radius * Math.cos(k * golden);
      y[order[k]] = radius * Math.sin(k * golden);
    }
  }

  function degree(i) {
    return (
      outgoing.start[i + 1] - outgoing.start[i] + incoming.start[i + 1] - incoming.start[i]
    );
  }

  // One step of the force layout: springs along edges, repulsion between
  // nodes closer than two link lengths (found through a grid of cells, so a
  // step costs about linear time), and a weak pull towards the centre.
  function layoutStep() {
    const alpha = state.alpha;
    repel(alpha);
    for (let e = 0; e < edgeCount; e++) {
      const s = edges[2 * e];
      const t = edges[2 * e + 1];
      if (s === t) continue;
      const dx = x[t] - x[s];
      const dy = y[t] - y[s];
      const distance = Math.sqrt(dx * dx + dy * dy) || 1;
      const pull = ((distance - LINK_LENGTH) / distance) * 0.25 * alpha;
      vx[s] += dx * pull;
      vy[s] += dy * pull;
      vx[t] -= dx * pull;
      vy[t] -= dy * pull;
    }
    for (let i = 0; i < count; i++) {
      vx[i] = (vx[i] - x[i] * 0.002 * alpha) * 0.6;
      vy[i] = (vy[i] - y[i] * 0.002 * alpha) * 0.6;
      x[i] += Math.max(-LINK_LENGTH, Math.min(LINK_LENGTH, vx[i]));
      y[i] += Math.max(-LINK_LENGTH, Math.min(LINK_LENGTH, vy[i]));
    }
    state.alpha *= 0.975;
  }

  function repel(alpha) {
    const cell = LINK_LENGTH * 2;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < count; i++) {
      minX = Math.min(minX, x[i]);
      minY = Math.min(minY, y[i]);
      maxX = Math.max(maxX, x[i]);
      maxY = Math.max(maxY, y[i]);
    }
    const columns = Math.floor((maxX - minX) / cell) + 3;
    const rows = Math.floor((maxY - minY) / cell) + 3;
    // Counting sort of the nodes by cell; the border of empty cells around
    // the grid lets the neighbour loop skip bounds checks.
    const cellOf = grid.cellOf;
    const start = new Int32Array(columns * rows + 1);
    for (let i = 0; i < count; i++) {
      const column = Math.floor((x[i] - minX) / cell) + 1;
      const row = Math.floor((y[i] - minY) / cell) + 1;
      cellOf[i] = row * columns + column;
      start[cellOf[i] + 1]++;
    }
    for (let c = 0; c < columns * rows; c++) start[c + 1] += start[c];
    const members = grid.members;
    const fill = start.slice(0, columns * rows);
    for (let i = 0; i < count; i++) members[fill[cellOf[i]]++] = i;
    const reach = cell * cell;
    const strength = LINK_LENGTH * LINK_LENGTH * 0.3 * alpha;
    for (let i = 0; i < count; i++) {
      const xi = x[i];
      const yi = y[i];
      let fx = 0;
      let fy = 0;
      for (let row = -1; row <= 1; row++) {
        const base = cellOf[i] + row * columns;
        for (let k = start[base - 1]; k < start[base + 2]; k++) {
          const j = members[k];
          if (j === i) continue;
          let dx = xi - x[j];
          let dy = yi - y[j];
          let d2 = dx * dx + dy * dy;
          if (d2 >= reach) continue;
          if (d2 < 0.01) {
            dx = (i - j) * 0.01;
            dy = ((i + j) % 3) * 0.01 - 0.01;
            d2 = dx * dx + dy * dy + 0.0001;
          }
          const push = strength / d2;
          fx += dx * push;
          fy += dy * push;
        }
      }
      vx[i] += fx;
      vy[i] += fy;
    }
  }

  function resize() {
    const box = canvas.getBoundingClientRect();
    view.ratio = window.devicePixelRatio || 1;
    view.width = box.width;
    view.height = box.height;
    canvas.width = Math.max(1, Math.round(box.width * view.ratio));
    canvas.height = Math.max(1, Math.round(box.height * view.ratio));
    if (!state.userMoved) fit();
    draw();
  }

  function fit() {
    if (count === 0) return;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < count; i++) {
      minX = Math.min(minX, x[i]);
      minY = Math.min(minY, y[i]);
      maxX = Math.max(maxX, x[i]);
      maxY = Math.max(maxY, y[i]);
    }
    const margin = 40;
    const spanX = Math.max(maxX - minX, 1);
    const spanY = Math.max(maxY - minY, 1);
    view.scale = Math.min(
      (view.width - 2 * margin) / spanX,
      (view.height - 2 * margin) / spanY,
      2
    );
    view.dx = view.width / 2 - ((minX + maxX) / 2) * view.scale;
    view.dy = view.height / 2 - ((minY + maxY) / 2) * view.scale;
  }

  function screenX(i) {
    return x[i] * view.scale + view.dx;
  }

  function screenY(i) {
    return y[i] * view.scale + view.dy;
  }

  function highlighted() {
    const marked = new Uint8Array(count);
    if (state.selected < 0) return null;
    marked[state.selected] = 1;
    for (const lists of [outgoing, incoming]) {
      for (const j of neighbours(lists, state.selected)) marked[j] = 1;
    }
    return marked;
  }

  function draw() {
    context.setTransform(view.ratio, 0, 0, view.ratio, 0, 0);
    context.clearRect(0, 0, view.width, view.height);
    const marked = highlighted();
    drawEdges(marked);
    drawNodes(marked);
    drawLabels(marked);
  }

  function drawEdges(marked) {
    context.lineWidth = 1;
    context.strokeStyle = marked ? "rgba(150,160,180,0.15)" : "rgba(120,130,150,0.35)";
    context.beginPath();
    for (let e = 0; e < edgeCount; e++) {
      const s = edges[2 * e];
      const t = edges[2 * e + 1];
      context.moveTo(screenX(s), screenY(s));
      context.lineTo(screenX(t), screenY(t));
    }
    context.stroke();
    if (!marked) return;
    context.lineWidth = 2;
    context.strokeStyle = "#1d4fb8";
    context.beginPath();
    const i = state.selected;
    for (const lists of [outgoing, incoming]) {
      for (const j of neighbours(lists, i)) {
        context.moveTo(screenX(i), screenY(i));
        context.lineTo(screenX(j), screenY(j));
      }
    }
    context.stroke();
  }

  function radius(i) {
    return Math.max(2, Math.min(12, (2 + Math.sqrt(degree(i)) * 1.5) * Math.sqrt(view.scale)));
  }

  function drawNodes(marked) {
    const groups = [
      [0, "#3b6fd8"],
      [ORPHAN, "#f0a202"],
    ];
    for (const [flag, colour] of groups) {
      context.fillStyle = colour;
      context.globalAlpha = 1;
      for (const dim of marked ? [true, false] : [false]) {
        context.globalAlpha = dim ? 0.2 : 1;
        context.beginPath();
        for (let i = 0; i < count; i++) {
          if (nodes[i][3] !== flag || (marked && !marked[i] !== dim)) continue;
          const r = radius(i);
          context.moveTo(screenX(i) + r, screenY(i));
          context.arc(screenX(i), screenY(i), r, 0, 2 * Math.PI);
        }
        context.fill();
      }
    }
    context.globalAlpha = 1;
    context.strokeStyle = "#d02828";
    context.setLineDash([3, 2]);
    context.lineWidth = 1.5;
    context.beginPath();
    for (let i = 0; i < count; i++) {
      if (!(nodes[i][3] & MISSING)) continue;
      const r = radius(i);
      context.moveTo(screenX(i) + r, screenY(i));
      context.arc(screenX(i), screenY(i), r, 0, 2 * Math.PI);
    }
    context.stroke();
    context.setLineDash([]);
    if (state.selected >= 0) ring(state.selected, "#1d2330");
    if (state.hover >= 0 && state.hover !== state.selected) ring(state.hover, "#66708a");
  }

  function ring(i, colour) {
    context.strokeStyle = colour;
    context.lineWidth = 2.5;
    context.beginPath();
    context.arc(screenX(i), screenY(i), radius(i) + 3, 0, 2 * Math.PI);
    context.stroke();
  }

  // Labels of the selected page and its neighbours, else of the hovered page
  // and of the best linked pages in view, skipping labels that would overlap.
  function drawLabels(marked) {
    context.font = "12px system-ui, sans-serif";
    context.textBaseline = "middle";
    context.fillStyle = "#1d2330";
    const boxes = [];
    const label = (i, force) => {
      const sx = screenX(i) + radius(i) + 3;
      const sy = screenY(i);
      if (sx < -200 || sy < -20 || sx > view.width + 20 || sy > view.height + 20) return;
      const box = [sx, sy - 7, sx + context.measureText(nodes[i][1]).width, sy + 7];
      if (!force && boxes.some((other) => overlap(box, other))) return;
      boxes.push(box);
      context.fillText(nodes[i][1], sx, sy);
    };
    if (state.hover >= 0) label(state.hover, true);
    if (marked) {
      label(state.selected, true);
      for (const i of byDegree) if (marked[i] && boxes.length < MAX_LABELS) label(i, false);
      return;
    }
    if (view.scale < 0.3) return;
    for (const i of byDegree) {
      if (boxes.length >= MAX_LABELS) break;
      label(i, false);
    }
  }

  function overlap(a, b) {
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  }

  let frameRequested = false;

  function requestDraw() {
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(() => {
      frameRequested = false;
      draw();
    });
  }

  // Runs the layout in slices of FRAME_BUDGET_MS between input events, so
  // search and zoom stay responsive; redraws at most every REDRAW_MS because
  // drawing a large graph costs more than a layout slice.
  let lastDraw = 0;

  function runLayout() {
    const started = performance.now();
    while (state.alpha > MIN_ALPHA && performance.now() - started < FRAME_BUDGET_MS) {
      layoutStep();
    }
    const done = state.alpha <= MIN_ALPHA;
    if (done || performance.now() - lastDraw > REDRAW_MS) {
      if (!state.userMoved) fit();
      draw();
      lastDraw = performance.now();
    }
    if (done) {
      document.body.dataset.layout = "done";
    } else {
      requestAnimationFrame(runLayout);
    }
  }

  function nodeAt(px, py) {
    let best = -1;
    let bestDistance = Infinity;
    for (let i = 0; i < count; i++) {
      const dx = screenX(i) - px;
      const dy = screenY(i) - py;
      const d2 = dx * dx + dy * dy;
      const reach = radius(i) + 4;
      if (d2 <= reach * reach && d2 < bestDistance) {
        best = i;
        bestDistance = d2;
      }
    }
    return best;
  }

  function zoomAt(factor, px, py) {
    const scale = Math.max(0.02, Math.min(20, view.scale * factor));
    const applied = scale / view.scale;
    view.dx = px - (px - view.dx) * applied;
    view.dy = py - (py - view.dy) * applied;
    view.scale = scale;
    state.userMoved = true;
    requestDraw();
  }

  function centreOn(i) {
    view.scale = Math.max(view.scale, 1.2);
    view.dx = view.width / 2 - x[i] * view.scale;
    view.dy = view.height / 2 - y[i] * view.scale;
    state.userMoved = true;
  }

  function select(i, centre) {
    state.selected = i;
    if (i >= 0 && centre) centreOn(i);
    showDetails(i);
    requestDraw();
  }

  function showDetails(i) {
    const panel = document.getElementById("details");
    panel.hidden = i < 0;
    if (i < 0) return;
    const [id, title, path, flags] = nodes[i];
    document.getElementById("details-title").textContent = title;
    document.getElementById("details-path").textContent = path || id;
    const kinds = [];
    if (flags & MISSING) kinds.push("missing page: dead links point here");
    if (flags & ORPHAN) kinds.push("orphan: no other page links here");
    document.getElementById("details-kind").textContent = kinds.join("; ");
    fillList("incoming", neighbours(incoming, i));
    fillList("outgoing", neighbours(outgoing, i));
  }

  function fillList(name, members) {
    const list = document.getElementById(name);
    document.getElementById(name + "-count").textContent = "(" + members.length + ")";
    const items = document.createDocumentFragment();
    const unique = Array.from(new Set(members)).sort((a, b) =>
      nodes[a][1].localeCompare(nodes[b][1])
    );
    for (const j of unique.slice(0, MAX_LISTED)) {
      items.append(pageButton(j, false));
    }
    if (unique.length > MAX_LISTED) {
      const more = document.createElement("li");
      more.textContent = "and " + (unique.length - MAX_LISTED) + " more";
      items.append(more);
    }
    list.replaceChildren(items);
  }

  function pageButton(i, withPath) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.node = String(i);
    button.textContent = nodes[i][1];
    if (withPath) {
      const path = document.createElement("div");
      path.className = "path";
      path.textContent = nodes[i][2] || "missing page";
      button.append(path);
    }
    item.append(button);
    return item;
  }

  // Search titles and ids; titles that start with the query come first.
  function findMatches(query) {
    const needle = query.trim().toLowerCase();
    if (!needle) return [];
    const first = [];
    const rest = [];
    for (let i = 0; i < count && first.length < MAX_RESULTS; i++) {
      const at = haystack[i].indexOf(needle);
      if (at === 0) first.push(i);
      else if (at > 0 && rest.length < MAX_RESULTS) rest.push(i);
    }
    return first.concat(rest).slice(0, MAX_RESULTS);
  }

  function showMatches() {
    matches = findMatches(search.value);
    state.active = matches.length ? 0 : -1;
    const items = document.createDocumentFragment();
    matches.forEach((i) => items.append(pageButton(i, true)));
    results.replaceChildren(items);
    markActive();
  }

  function markActive() {
    Array.from(results.children).forEach((item, k) => {
      item.classList.toggle("active", k === state.active);
    });
  }

  function onSearchKey(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const step = event.key === "ArrowDown" ? 1 : -1;
      state.active = Math.max(0, Math.min(matches.length - 1, state.active + step));
      markActive();
      event.preventDefault();
    } else if (event.key === "Enter" && state.active >= 0) {
      select(matches[state.active], true);
      results.replaceChildren();
    } else if (event.key === "Escape") {
      search.value = "";
      results.replaceChildren();
    }
  }

  function onPageButton(event) {
    const button = event.target.closest("button[data-node]");
    if (!button) return;
    select(Number(button.dataset.node), true);
    results.replaceChildren();
  }

  function bindPointer() {
    let drag = null;
    canvas.addEventListener("pointerdown", (event) => {
      drag = { x: event.clientX, y: event.clientY, moved: false };
      canvas.setPointerCapture(event.pointerId);
    });
    canvas.addEventListener("pointermove", (event) => {
      const box = canvas.getBoundingClientRect();
      if (!drag) {
        const hover = nodeAt(event.clientX - box.left, event.clientY - box.top);
        if (hover !== state.hover) {
          state.hover = hover;
          requestDraw();
        }
        return;
      }
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 3) return;
      drag.moved = true;
      canvas.classList.add("dragging");
      view.dx += dx;
      view.dy += dy;
      drag.x = event.clientX;
      drag.y = event.clientY;
      state.userMoved = true;
      requestDraw();
    });
    canvas.addEventListener("pointerup", (event) => {
      const box = canvas.getBoundingClientRect();
      if (drag && !drag.moved) {
        select(nodeAt(event.clientX - box.left, event.clientY - box.top), false);
      }
      drag = null;
      canvas.classList.remove("dragging");
    });
    canvas.addEventListener(
      "wheel",
      (event) => {
        const box = canvas.getBoundingClientRect();
        const factor = Math.exp(-event.deltaY * 0.0015);
        zoomAt(factor, event.clientX - box.left, event.clientY - box.top);
        event.preventDefault();
      },
      { passive: false }
    );
  }

  function bindControls() {
    search.addEventListener("input", showMatches);
    search.addEventListener("keydown", onSearchKey);
    results.addEventListener("click", onPageButton);
    document.getElementById("details").addEventListener("click", onPageButton);
    document.getElementById("close-details").addEventListener("click", () => select(-1));
    const centre = () => [view.width / 2, view.height / 2];
    document.getElementById("zoom-in").addEventListener("click", () => zoomAt(1.4, ...centre()));
    document.getElementById("zoom-out").addEventListener("click", () => zoomAt(1 / 1.4, ...centre()));
    document.getElementById("zoom-fit").addEventListener("click", () => {
      fit();
      requestDraw();
    });
    document.addEventListener("keydown", (event) => {
      if (event.target === search) return;
      if (event.key === "+" || event.key === "=") zoomAt(1.4, ...centre());
      else if (event.key === "-") zoomAt(1 / 1.4, ...centre());
      else if (event.key === "0") document.getElementById("zoom-fit").click();
      else if (event.key === "Escape") select(-1);
      else if (event.key === "/") {
        search.focus();
        event.preventDefault();
      }
    });
    window.addEventListener("resize", resize);
  }

  function summarise() {
    let missing = 0;
    let orphans = 0;
    for (const node of nodes) {
      if (node[3] & MISSING) missing++;
      if (node[3] & ORPHAN) orphans++;
    }
    const pages = count - missing;
    document.getElementById("summary").textContent = [
      counted(pages, "page", "pages"),
      counted(edgeCount, "linked pair", "linked pairs"),
      counted(orphans, "orphan", "orphans"),
      counted(missing, "missing page", "missing pages"),
    ].join(", ");
  }

  function counted(number, singular, plural) {
    return number + " " + (number === 1 ? singular : plural);
  }

  initialLayout();
  bindPointer();
  bindControls();
  summarise();
  resize();
  document.body.dataset.ready = "1";
  requestAnimationFrame(runLayout);
})();
