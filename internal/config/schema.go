// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package config

import _ "embed"

// Schema is the JSON Schema of .d1lint.yaml, for editors (yaml-language-server:
// add `# yaml-language-server: $schema=<url of this file>` to the file).
//
//go:embed schema/d1lint.schema.json
var Schema []byte
