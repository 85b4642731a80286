// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/diff"
	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/revision"
)

type diffFlags struct {
	fleetFlags
	repository string
	base       string
	promote    bool
	format     string
}

func newDiffCommand(s Streams) *cobra.Command {
	f := &diffFlags{}
	cmd := &cobra.Command{
		Use:   "diff",
		Short: "Show what a change does to each cluster's desired state",
		Long: `Renders the fleet twice and shows, per cluster, the objects the change adds,
removes or modifies (each changed field with its old and new value, secrets
masked, moves shown as moves, and the file and line of the patch or
document that sets it), the Helm chart versions it
moves, and the findings it introduces or fixes. Clusters the change does not
reach are listed on one line.

Without --base: what is not yet committed. The base is the render where every
git working tree involved (the fleet and every --source or configured
mapping that is a git repository) is replaced by its HEAD commit; the head is
the render as it is.

--base REF: the base is the render where the repository being checked (see
--repository; by default the current folder's, else the fleet's) is at the
git revision REF (origin/main in a pull request); the head is the render as
it is.

--promote: what promoting main to production would change on each
production cluster, without any checkout. The base is the render as it is;
in the head, the production branch of every repository that has one (and
the fleet, when clusters follow its production branch) holds the content of
its main branch. Only production clusters are shown (runtime-info
ENVIRONMENT production, or following the production branch). The branch
names come from the configuration's branches (staging and production).

The rules (built-in catalogue, the configuration's settings and waivers) are
evaluated on both sides. Differences are not failures: the exit status is 0
unless the command line is wrong (2) or d1lint failed (3).`,
		Example: `  d1lint diff
  d1lint diff --base origin/main --format markdown
  d1lint diff --base origin/main --format json
  d1lint diff --promote --cluster prod-eu`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDiff(cmd.Context(), s, f, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f.register(cmd)
	f.registerProfile(cmd)
	cmd.Flags().StringVar(&f.repository, "repository", "", "URL of the repository being checked, whose revision --base names (default: $GITHUB_REPOSITORY, else the current folder's repository, else the fleet's)")
	cmd.Flags().StringVar(&f.base, "base", "", "git revision of the repository being checked to compare the working trees with (origin/main); default: the HEAD commit of every working tree")
	cmd.Flags().BoolVar(&f.promote, "promote", false, "show what promoting main to production would change on the production clusters")
	cmd.Flags().StringVar(&f.format, "format", "text", "output format: text, markdown or json (docs/diff.schema.json)")
	return cmd
}

// runDiff compares the two renders the flags name and writes the result.
func runDiff(ctx context.Context, s Streams, f *diffFlags, stdout, stderr io.Writer) error {
	if !slices.Contains([]string{"text", "markdown", "json"}, f.format) {
		return usagef("--format %q: want text, markdown or json", f.format)
	}
	if f.promote && f.base != "" {
		return usagef("--promote and --base do not go together (--promote compares production with main)")
	}
	opts, ec, err := f.load(s.Getenv, engine.ConfigFile{})
	if err != nil {
		return err
	}
	e := engine.New(ec)
	var clusters []diff.Cluster
	var baseText, headText string
	if f.promote {
		p, err := e.Promotion(ctx, opts)
		if err != nil {
			return engine.Usage(err)
		}
		clusters = p.Clusters
		repos := make([]string, 0, len(p.Repositories))
		for _, r := range p.Repositories {
			repos = append(repos, r.URL)
		}
		baseText = fmt.Sprintf("the production clusters as they are (branch %s)", p.Production)
		if len(p.Releases) > 0 {
			baseText = "the production clusters as they are (the newest release)"
		}
		switch {
		case len(p.Releases) > 0 && len(repos) > 0:
			headText = fmt.Sprintf("the next release of %s (from %s), and %s promoted to %s in %s", strings.Join(p.Releases, ", "), p.Main, p.Main, p.Production, strings.Join(repos, ", "))
		case len(p.Releases) > 0:
			headText = fmt.Sprintf("the next release of %s (from %s)", strings.Join(p.Releases, ", "), p.Main)
		case len(repos) == 0:
			headText = fmt.Sprintf("the same: no repository's %s branch differs from its %s branch", p.Production, p.Main)
		default:
			headText = fmt.Sprintf("%s promoted to %s in %s", p.Main, p.Production, strings.Join(repos, ", "))
		}
		if len(clusters) == 0 {
			fmt.Fprintln(stderr, "d1lint diff --promote: no production cluster (runtime-info ENVIRONMENT production, or following branch "+p.Production+")")
		}
	} else {
		revs, err := revision.NewReader(s.Getenv)
		if err != nil {
			return err
		}
		defer revs.Close()
		base := opts
		if f.base != "" {
			root := revision.CheckedRoot(revision.Repository(f.repository, s.Getenv), opts.Options)
			if root == "" {
				return usagef("--base reads a revision of the repository being checked, and no git repository holds it (see --repository)")
			}
			if base.Options, err = revs.StandIn(opts.Options, root, f.base, ""); err != nil {
				return engine.UsageError(fmt.Errorf("--base %s: %w", f.base, err))
			}
			baseText, headText = fmt.Sprintf("%s of %s", f.base, filepath.Base(root)), "the working tree"
		} else {
			roots := revision.WorkingTrees(opts.Options)
			for _, root := range roots {
				if base.Options, err = revs.StandIn(base.Options, root, "HEAD", ""); err != nil {
					return engine.UsageError(fmt.Errorf("reading the HEAD commit of %s: %w", root, err))
				}
			}
			base.Options = revision.SiblingsAt(base.Options, "HEAD") // those a URL is found to be
			names := make([]string, 0, len(roots))
			for _, r := range roots {
				names = append(names, filepath.Base(r))
			}
			slices.Sort(names)
			if len(roots) == 0 {
				fmt.Fprintln(stderr, "d1lint diff: neither the fleet nor any source mapping is a git working tree: nothing is uncommitted")
			}
			baseText = "the HEAD commit of " + orNone(strings.Join(names, ", "))
			headText = "the working trees, uncommitted changes included"
		}
		if clusters, err = e.Compare(ctx, base, opts); err != nil {
			return engine.Usage(err)
		}
	}
	switch f.format {
	case "json":
		return diff.JSON(stdout, baseText, headText, clusters)
	case "markdown":
		intro := fmt.Sprintf("Base: %s.<br>Head: %s.", diff.MarkdownEscape(baseText), diff.MarkdownEscape(headText))
		// In a pull request's job summary, the head's files link to the
		// pull request's head commit.
		return diff.Markdown(stdout, clusters, diff.MarkdownOptions{Intro: intro,
			Repository: revision.Repository(f.repository, s.Getenv), Commit: report.HeadCommit(s.Getenv)})
	}
	if _, err := fmt.Fprintf(stdout, "base: %s\nhead: %s\n\n", baseText, headText); err != nil {
		return err
	}
	return diff.Text(stdout, clusters)
}

func orNone(s string) string {
	if s == "" {
		return "(no git working tree)"
	}
	return s
}
