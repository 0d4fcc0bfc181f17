// The entry grid: say at once what the save would refuse, ask for a note on outliers, and
// move by keyboard or paste a column. The running total and the light come from the server
// (htmx on each input, targets.preview): no formula of the metrics is written here.
(function () {
  "use strict";
  const form = document.getElementById("entry-form");
  if (!form) return;

  function parseNumber(raw) {
    let text = (raw || "").normalize("NFKC").trim();
    if (text === "" || text === "-" || text === "—" || text === "/") return { value: null };
    text = text.replace(/[\s\u00a0\u3000'’]/g, "");
    if (text.indexOf(",") >= 0) {
      if (!/^[+-]?\d{1,3}(,\d{3})+(\.\d*)?%?$/.test(text)) return { error: "“" + raw + "”不是有效数字：千位分隔符应每三位一个，小数请用小数点" };
      text = text.replace(/,/g, "");
    }
    text = text.replace(/%$/, "").replace("−", "-");
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return { error: "“" + raw + "”不是数字，请只填写数字" };
    return { value: parseFloat(text), text: text };
  }

  function median(xs) {
    const s = xs.slice().sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  function check(row) {
    const input = row.querySelector(".entry-input");
    const note = row.querySelector(".entry-note");
    const msg = row.querySelector(".entry-msg");
    const d = row.dataset;
    const parsed = parseNumber(input.value);
    const errors = [], warnings = [];
    if (parsed.error) errors.push(parsed.error);
    const v = parsed.value;
    if (v !== null && v !== undefined) {
      if (v < 0 && d.growth !== "1") errors.push("不能为负数");
      if (d.ratio === "1" && d.growth !== "1" && v > 100) errors.push("比例应在 0—100 之间");
      const decimals = (parsed.text.split(".")[1] || "").replace(/0+$/, "").length;
      const allowed = parseInt(d.decimals || "2", 10);
      if (decimals > allowed) errors.push(allowed === 0 ? "应为整数" : "最多保留 " + allowed + " 位小数");
      const history = (d.history || "").split(",").filter(Boolean).map(Number);
      if (!errors.length && history.length) {
        const med = median(history);
        if (med > 0 && v > 3 * med) warnings.push("是近几个月中位数（" + med + "）的 " + (v / med).toFixed(1) + " 倍，请核实并说明原因");
        if (d.levelUp === "1" && v < history[history.length - 1]) warnings.push("低于上月的 " + history[history.length - 1] + "，存量指标一般不应下降，请说明原因");
      }
    }
    input.classList.toggle("is-invalid", errors.length > 0);
    msg.innerHTML = errors.map(e => '<div class="text-danger">' + e + "</div>").join("") +
      warnings.map(w => '<div class="text-warning-emphasis"><i class="bi bi-exclamation-triangle"></i> ' + w + "</div>").join("");
    if (warnings.length || note.value) note.classList.remove("d-none");
    note.required = warnings.length > 0;
  }

  // A read-only page (locked, submitted, approved) has figures, not inputs.
  const rows = Array.from(form.querySelectorAll(".entry-row")).filter(r => r.querySelector(".entry-input"));
  const inputs = rows.map(r => r.querySelector(".entry-input"));
  rows.forEach(check);
  const STEPS = { Enter: 1, ArrowDown: 1, ArrowUp: -1 };
  inputs.forEach((input, i) => {
    input.addEventListener("input", () => check(rows[i]));
    input.addEventListener("keydown", e => {
      if (!(e.key in STEPS) || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      const step = e.key === "Enter" && e.shiftKey ? -1 : STEPS[e.key];
      const next = inputs[i + step];
      if (next) { next.focus(); next.select(); }
    });
    input.addEventListener("paste", e => {
      const text = (e.clipboardData || window.clipboardData).getData("text");
      const lines = text.replace(/\r/g, "").split("\n").filter((l, k, all) => l !== "" || k < all.length - 1);
      if (lines.length < 2) return;
      e.preventDefault();
      lines.forEach((line, k) => {
        const target = inputs[i + k];
        if (target && !target.readOnly) {
          target.value = line.split("\t")[0].trim();
          // As if typed: the row is checked here and its light asked of the server (htmx).
          target.dispatchEvent(new Event("input", { bubbles: true }));
        }
      });
    });
  });
  // The first cell to fill has focus on opening (the first refused one after a save); not on
  // phones, where focus would cover the page with the keyboard.
  const first = inputs.find(i => i.classList.contains("is-invalid")) || inputs.find(i => !i.value) || inputs[0];
  if (first && window.matchMedia("(min-width: 577px)").matches && !document.querySelector("#conflicts")) {
    first.focus({ preventScroll: inputs.indexOf(first) === 0 });
    first.select();
  }
  form.addEventListener("submit", e => {
    if (e.submitter && e.submitter.value === "submit") {
      const bad = rows.find(r => r.querySelector(".entry-input").classList.contains("is-invalid") ||
        (r.querySelector(".entry-note").required && !r.querySelector(".entry-note").value.trim()));
      if (bad) {
        e.preventDefault();
        bad.querySelector(".entry-input").focus();
        bad.scrollIntoView({ block: "center" });
        alert("有数据未通过校验或缺少说明，请按提示修改后再报送。");
      }
    }
  });
})();
