// Drives the npm netschoolapi client through its whole login and every read it offers that
// a diary account can make; prints one JSON line for tests/adapters/netschool/test_third_party.py.
// Usage: node run.js ORIGIN LOGIN PASSWORD SCHOOL [security]
const { Safe } = require("netschoolapi");

async function main() {
  const [origin, login, password, school] = process.argv.slice(2);
  const api = new Safe({ origin, login, password, school: /^\d+$/.test(school) ? +school : school });
  const out = {};
  await api.logIn();
  out.sessionValid = await api.sessionValid();
  out.year = api.context.year.name;
  out.schoolName = api.context.school.name;
  out.serverVersion = api.context.server.version;
  out.students = api.context.user.students.map((s) => s.id);
  out.terms = api.context.user.terms.map((t) => [t.name, t.start.toISOString().slice(0, 10)]);
  const info = await api.info();
  out.info = [info.lastName, info.firstName];
  const types = await api.assignmentTypes();
  out.types = types.types.length;
  const start = new Date(Date.UTC(2026, 8, 14));
  const end = new Date(Date.UTC(2026, 8, 20));
  out.diaries = [];
  for (const studentId of out.students) {
    const diary = await api.diary({ studentId, start, end });
    const lessons = diary.days.flatMap((d) => d.lessons);
    const assignments = lessons.flatMap((l) => l.assignments);
    out.diaries.push({
      studentId,
      days: diary.days.length,
      lessons: lessons.length,
      marks: assignments.filter((a) => a.mark !== undefined && a.mark !== null).map((a) => [a.id, a.mark]),
      dots: assignments.filter((a) => a.dot).map((a) => a.id),
    });
    if (assignments.length) {
      const card = await api.assignment({ id: assignments[0].id, studentId });
      out.card = { subject: card.subject, teacher: card.teacher, weight: card.weight };
    }
  }
  await api.logOut();
  out.loggedOut = api.session === null;
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.log(JSON.stringify({ error: String(e && e.message ? e.message : e) }));
  process.exit(1);
});
