// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build !unix

package config

// openFlags: no FIFO can be swapped in where there are none.
const openFlags = 0
