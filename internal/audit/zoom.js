(function () {
  "use strict";
  // Pan and zoom for the Kustomization graphs: buttons, Ctrl (or Cmd) and
  // the wheel, dragging. Without it, each graph scrolls in its box.
  var boxes = document.querySelectorAll(".graph");
  for (var i = 0; i < boxes.length; i++) setup(boxes[i]);
  function setup(box) {
    var svg = box.querySelector("svg");
    if (!svg) return;
    var w = +svg.getAttribute("width"), h = +svg.getAttribute("height"), k = 1;
    function zoom(f, cx, cy) {
      if (cx === undefined) { cx = box.clientWidth / 2; cy = box.clientHeight / 2; }
      var x = (box.scrollLeft + cx) / k, y = (box.scrollTop + cy) / k;
      k = Math.min(4, Math.max(0.1, f > 0 ? k * f : Math.min(1, (box.clientWidth - 2) / w)));
      svg.setAttribute("width", Math.round(w * k));
      svg.setAttribute("height", Math.round(h * k));
      box.scrollLeft = x * k - cx;
      box.scrollTop = y * k - cy;
    }
    var bar = document.createElement("div");
    bar.className = "zoom";
    [["+", 1.25, "Zoom in"], ["\u2212", 0.8, "Zoom out"], ["Fit", 0, "Fit the width of the box"], ["1:1", -1, "Actual size"]].forEach(function (b) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b[0];
      btn.title = b[2];
      btn.addEventListener("click", function () { b[1] < 0 ? zoom(1 / k) : zoom(b[1]); });
      bar.appendChild(btn);
    });
    var hint = document.createElement("span");
    hint.textContent = "drag to pan, Ctrl + wheel to zoom";
    bar.appendChild(hint);
    box.parentNode.insertBefore(bar, box);
    box.addEventListener("wheel", function (e) {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      var r = box.getBoundingClientRect();
      zoom(e.deltaY < 0 ? 1.1 : 1 / 1.1, e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    var drag = null;
    box.addEventListener("pointerdown", function (e) {
      if (e.button !== 0 || e.pointerType === "touch") return;
      drag = { x: e.clientX, y: e.clientY, l: box.scrollLeft, t: box.scrollTop };
      box.classList.add("dragging");
    });
    box.addEventListener("pointermove", function (e) {
      if (!drag) return;
      box.scrollLeft = drag.l - (e.clientX - drag.x);
      box.scrollTop = drag.t - (e.clientY - drag.y);
    });
    function stop() { drag = null; box.classList.remove("dragging"); }
    box.addEventListener("pointerup", stop);
    box.addEventListener("pointerleave", stop);
  }
})();
