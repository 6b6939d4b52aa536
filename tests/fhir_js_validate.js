// Validates a JSON array of FHIR resources with FHIR.js (the npm package "fhir"), a second
// implementation beside fhir.resources; prints each problem and exits 1 if any.
const fs = require("fs");
const { Fhir } = require("fhir");

const fhir = new Fhir();
const resources = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let problems = 0;
resources.forEach((resource, number) => {
  const result = fhir.validate(resource, { errorOnUnexpected: true });
  for (const message of result.messages) {
    if (message.severity === "error") {
      problems += 1;
      console.log(`#${number} ${message.location}: ${message.message}`);
    }
  }
});
console.log(`${resources.length} checked, ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
