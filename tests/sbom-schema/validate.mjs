// Validates CycloneDX 1.6 JSON files with the strict JSON validator of the
// official CycloneDX JavaScript library, which checks against the schemas
// it bundles (bom-1.6, spdx, jsf). Exit status 1 when a file is invalid.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(process.cwd() + '/')
const { Validation, Spec } = require('@cyclonedx/cyclonedx-library')
const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6)
let failed = false
for (const file of process.argv.slice(2)) {
  const errors = await validator.validate(readFileSync(file, 'utf8'))
  if (errors === null) {
    console.log(`${file}: valid CycloneDX 1.6`)
  } else {
    failed = true
    console.log(`${file}: invalid\n${JSON.stringify(errors, null, 2)}`)
  }
}
process.exit(failed ? 1 : 0)
