// The notes page: lists notes and adds new ones through the notes API,
// which the site's server exposes under /api/ on the same origin.
const api = "/api";
const list = document.getElementById("notes");
const status = document.getElementById("status");

function render(notes) {
  list.replaceChildren(...notes.map((n) => {
    const li = document.createElement("li");
    const title = document.createElement("strong");
    title.textContent = n.title;
    const body = document.createElement("div");
    body.textContent = n.body;
    li.append(title, body);
    for (const t of n.tags || []) {
      const tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = t;
      li.append(tag);
    }
    return li;
  }));
}

async function load() {
  const res = await fetch(`${api}/notes`);
  if (!res.ok) throw new Error(`loading notes failed: ${res.status}`);
  render(await res.json());
}

document.getElementById("new-note").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const note = {
    title: form.get("title"),
    body: form.get("body"),
    tags: String(form.get("tags") || "").split(",").map((t) => t.trim()).filter(Boolean),
  };
  const res = await fetch(`${api}/notes`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(note),
  });
  if (!res.ok) {
    const problem = await res.json().catch(() => ({}));
    status.textContent = (problem.problems || [problem.error || res.statusText]).join("; ");
    return;
  }
  status.textContent = "";
  event.target.reset();
  await load();
});

load().catch((err) => { status.textContent = err.message; });
