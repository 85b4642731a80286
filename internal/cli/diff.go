// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/diff"
	"github.com/d1lint/d1lint/internal/guard"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/waiver"
	"github.com/d1lint/d1lint/rules"
)

type diffFlags struct {
	// checkFlags gives the fleet flags and --repository (checkedRoot).
	checkFlags
	base    string
	promote bool
	format  string
}

func newDiffCommand(s Streams) *cobra.Command {
	f := &diffFlags{}
	cmd := &cobra.Command{
		Use:   "diff",
		Short: "Show what a change does to each cluster's desired state",
		Long: `Renders the fleet twice and shows, per cluster, the objects the change adds,
removes or modifies (with the changed fields), the Helm chart versions it
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
  d1lint diff --promote --cluster prod-eu`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDiff(cmd.Context(), s, f, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&f.repository, "repository", "", "URL of the repository being checked, whose revision --base names (default: $GITHUB_REPOSITORY, else the current folder's repository, else the fleet's)")
	cmd.Flags().StringVar(&f.base, "base", "", "git revision of the repository being checked to compare the working trees with (origin/main); default: the HEAD commit of every working tree")
	cmd.Flags().BoolVar(&f.promote, "promote", false, "show what promoting main to production would change on the production clusters")
	cmd.Flags().StringVar(&f.format, "format", "text", "output format: text or markdown")
	return cmd
}

// runDiff compares the two renders the flags name and writes the result.
func runDiff(ctx context.Context, s Streams, f *diffFlags, stdout, stderr io.Writer) error {
	if f.format != "text" && f.format != "markdown" {
		return fmt.Errorf("%w: --format must be text or markdown, not %q", ErrUsage, f.format)
	}
	if f.promote && f.base != "" {
		return fmt.Errorf("%w: --promote and --base do not go together (--promote compares production with main)", ErrUsage)
	}
	opts, cfg, err := f.load(s.Getenv)
	if err != nil {
		return err
	}
	cat := catalogueLoader()
	today := time.Now().UTC()
	var clusters []diff.Cluster
	var baseText, headText string
	switch {
	case f.promote:
		p, err := promote(ctx, opts, cfg, cat, today)
		if err != nil {
			return err
		}
		clusters = p.Clusters
		var repos []string
		for _, r := range p.Repositories {
			repos = append(repos, r.URL)
		}
		baseText = fmt.Sprintf("the production clusters as they are (branch %s)", p.Production)
		if len(repos) == 0 {
			headText = fmt.Sprintf("the same: no repository's %s branch differs from its %s branch", p.Production, p.Main)
		} else {
			headText = fmt.Sprintf("%s promoted to %s in %s", p.Main, p.Production, strings.Join(repos, ", "))
		}
		if len(clusters) == 0 {
			fmt.Fprintln(stderr, "d1lint diff --promote: no production cluster (runtime-info ENVIRONMENT production, or following branch "+p.Production+")")
		}
	default:
		revs, err := newRevisions(s.Getenv)
		if err != nil {
			return err
		}
		defer revs.Close()
		var bopts render.Options
		if f.base != "" {
			root := f.checkedRoot(opts, s.Getenv)
			if root == "" {
				return fmt.Errorf("%w: --base reads a revision of the repository being checked, and no git repository holds it (see --repository)", ErrUsage)
			}
			if bopts, err = revs.standIn(opts, root, f.base, "", s.Getenv); err != nil {
				return usageError{fmt.Errorf("--base %s: %w", f.base, err)}
			}
			baseText, headText = fmt.Sprintf("%s of %s", f.base, filepath.Base(root)), "the working tree"
		} else {
			roots := workingTrees(opts, s.Getenv)
			bopts = opts
			for _, root := range roots {
				if bopts, err = revs.standIn(bopts, root, "HEAD", "", s.Getenv); err != nil {
					return usageError{fmt.Errorf("reading the HEAD commit of %s: %w", root, err)}
				}
			}
			var names []string
			for _, r := range roots {
				names = append(names, filepath.Base(r))
			}
			sort.Strings(names)
			if len(roots) == 0 {
				fmt.Fprintln(stderr, "d1lint diff: neither the fleet nor any source mapping is a git working tree: nothing is uncommitted")
			}
			baseText = "the HEAD commit of " + orNone(strings.Join(names, ", "))
			headText = "the working trees, uncommitted changes included"
		}
		restore := guard.Lockdown()
		clusters, err = compare(ctx, bopts, opts, cat, cfg, today)
		restore()
		if err != nil {
			return err
		}
	}
	if f.format == "markdown" {
		intro := fmt.Sprintf("Base: %s.<br>Head: %s.", diff.MarkdownEscape(baseText), diff.MarkdownEscape(headText))
		return diff.Markdown(stdout, clusters, diff.MarkdownOptions{Intro: intro})
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

// workingTrees are the roots of the git working trees the render reads,
// once each, sorted: the fleet's, and every source mapping's that stands
// for a branch (a mapping with no branch whose working tree is on a
// detached HEAD, with no GITHUB_BASE_REF to name its branch, is read from
// git objects only: its uncommitted changes reach no cluster).
func workingTrees(opts render.Options, getenv func(string) string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if root := source.RepoRoot(p); root != "" && !seen[root] {
			seen[root] = true
			out = append(out, root)
		}
	}
	add(opts.FleetPath)
	for _, m := range opts.Sources {
		if m.Branch == "" {
			if b, err := source.WorktreeBranch(m.Path, getenv); err == nil && b == "" {
				continue
			}
		}
		add(m.Path)
	}
	sort.Strings(out)
	return out
}

// compare renders both sides at once, evaluates the rules on each and
// compares them.
func compare(ctx context.Context, base, head render.Options, cat func() (*rules.Catalogue, error), cfg *config.Config, today time.Time) ([]diff.Cluster, error) {
	var b, h side
	var berr, herr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		b, berr = evaluateSide(ctx, base, nil, cat, cfg, today)
	}()
	h, herr = evaluateSide(ctx, head, nil, cat, cfg, today)
	wg.Wait()
	if berr != nil {
		return nil, fmt.Errorf("the base: %w", berr)
	}
	if herr != nil {
		return nil, herr
	}
	clusters := diff.Fleets(b.fleet, h.fleet)
	diff.Findings(clusters, b.result.Findings, h.result.Findings)
	return clusters, nil
}

// side is one render of a comparison, with its findings.
type side struct {
	fleet  *model.Fleet
	result waiver.Result
}

// evaluateSide renders opts and judges the render (see judge); the
// network must be locked away (guard.Lockdown) by the caller.
func evaluateSide(ctx context.Context, opts render.Options, others *model.Fleet, cat func() (*rules.Catalogue, error), cfg *config.Config, today time.Time) (side, error) {
	rd, fl, err := renderSide(ctx, opts)
	if err != nil {
		return side{}, err
	}
	defer rd.Close()
	res, err := judge(ctx, rd, fl, others, cat, cfg, today)
	return side{fleet: fl, result: res}, err
}

// renderSide renders a fleet; the renderer is kept open for locate.
func renderSide(ctx context.Context, opts render.Options) (*render.Renderer, *model.Fleet, error) {
	rd, err := render.New(opts)
	if err != nil {
		return nil, nil, usage(err)
	}
	fl, err := rd.Render(ctx)
	if err != nil {
		_ = rd.Close()
		return nil, nil, usage(err)
	}
	if len(fl.Clusters) == 0 {
		_ = rd.Close()
		// A check (or comparison) that looked at nothing must not pass.
		return nil, nil, fmt.Errorf("%w: no cluster folder under %s/clusters: nothing to check", ErrUsage, opts.FleetPath)
	}
	return rd, fl, nil
}

// judge evaluates the rules on a render as check does (findings located
// at the line that sets their field, waivers applied). others, when not
// nil, are clusters of another render that complete the fleet for the
// rules across clusters; their own findings are dropped. cat waits for the
// catalogue, which loads while the fleet renders.
func judge(ctx context.Context, rd *render.Renderer, fl *model.Fleet, others *model.Fleet, cat func() (*rules.Catalogue, error), cfg *config.Config, today time.Time) (waiver.Result, error) {
	c, err := cat()
	if err != nil {
		return waiver.Result{}, err
	}
	whole := fl
	if others != nil {
		whole = &model.Fleet{Version: fl.Version, Clusters: append([]*model.Cluster(nil), fl.Clusters...)}
		have := map[string]bool{}
		for _, x := range fl.Clusters {
			have[x.Name] = true
		}
		for _, x := range others.Clusters {
			if !have[x.Name] {
				whole.Clusters = append(whole.Clusters, x)
			}
		}
		sort.Slice(whole.Clusters, func(i, j int) bool { return whole.Clusters[i].Name < whole.Clusters[j].Name })
	}
	all, err := c.Evaluate(ctx, whole, settings(cfg))
	if err != nil {
		return waiver.Result{}, err
	}
	if others != nil {
		mine := map[string]bool{}
		for _, x := range fl.Clusters {
			mine[x.Name] = true
		}
		kept := all[:0]
		for _, f := range all {
			if mine[f.Cluster] {
				kept = append(kept, f)
			}
		}
		all = kept
	}
	locate(rd, fl, all)
	return waiver.Apply(fl, all, cfg, today), nil
}

// catalogueLoader starts loading the built-in rules and returns a function
// that waits for them.
func catalogueLoader() func() (*rules.Catalogue, error) {
	var cat *rules.Catalogue
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		cat, err = loadCatalogue(nil)
	}()
	return func() (*rules.Catalogue, error) {
		<-done
		return cat, err
	}
}

// PromotedRepository is a repository whose production branch a promotion
// replaces with its main branch.
type PromotedRepository struct {
	// URL is the normalised repository URL (github.com/org/repo).
	URL string `json:"url"`
	// From and To are the commits of production and main; empty for a
	// plain folder. To is the working tree's HEAD when main is read from a
	// working tree (uncommitted changes included).
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// PromotionResult is what promoting main to production changes.
type PromotionResult struct {
	// Main and Production are the branch names (the configuration's
	// branches.staging and branches.production; main and production by
	// default).
	Main       string `json:"main"`
	Production string `json:"production"`
	// Repositories are those whose production branch is at another commit
	// than main (or whose main is a working tree) and that a production
	// cluster reads at production, sorted by URL. Empty: nothing to
	// promote, and no cluster changes.
	Repositories []PromotedRepository `json:"repositories"`
	// Clusters are the production clusters (runtime-info ENVIRONMENT
	// production, or reading a source at the production branch), sorted by
	// name, each with the objects, chart versions and findings the
	// promotion changes; diff.Cluster.Changed is false for a cluster it
	// leaves as it is. Empty when no cluster is a production one.
	Clusters []diff.Cluster `json:"clusters"`
}

// Promotion answers "what would promoting main to production change on
// each production cluster?" without any checkout: it renders the fleet as
// opts describes it (the base), and again with the production branch of
// every mapped repository that has one replaced by the content of its main
// branch (the head), each branch read as the renderer reads it (a working
// tree mapped or checked out for main, else git objects, local branches
// then remote-tracking ones). The fleet is promoted too when clusters
// follow its production branch. Both sides are evaluated with the built-in
// rules and cfg's settings and waivers (cfg may be nil: d1's defaults), so
// each cluster also lists the findings the promotion introduces and fixes.
// opts.Clusters limits the clusters; opts.Getenv reads the environment.
// Errors match ErrUsage when the options or the configuration are wrong.
func Promotion(ctx context.Context, opts render.Options, cfg *config.Config) (*PromotionResult, error) {
	return promote(ctx, opts, cfg, catalogueLoader(), time.Now().UTC())
}

// promote implements Promotion with a given catalogue and date.
func promote(ctx context.Context, opts render.Options, cfg *config.Config, cat func() (*rules.Catalogue, error), today time.Time) (*PromotionResult, error) {
	defer guard.Lockdown()()
	s := settings(cfg)
	mainBranch, prodBranch := s.Branches["staging"], s.Branches["production"]
	if mainBranch == "" {
		mainBranch = "main"
	}
	if prodBranch == "" {
		prodBranch = "production"
	}
	out := &PromotionResult{Main: mainBranch, Production: prodBranch, Repositories: []PromotedRepository{}, Clusters: []diff.Cluster{}}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	res, err := source.NewResolver(nil, source.Options{TempDir: opts.TempDir, Getenv: opts.Getenv})
	if err != nil {
		return nil, err
	}
	defer res.Close()
	// The base renders while main's copies are made.
	var head render.Options
	var candidates []PromotedRepository
	var fleetPromoted bool
	var perr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		head, candidates, fleetPromoted, perr = promotedOptions(res, opts, mainBranch, prodBranch)
	}()
	brd, bfl, err := renderSide(ctx, opts)
	<-done
	if err != nil {
		return nil, err
	}
	defer brd.Close()
	if perr != nil {
		return nil, perr
	}
	prod := map[string]bool{}
	read := map[string]bool{}
	var names []string
	for _, c := range bfl.Clusters {
		if !followsProduction(c, prodBranch) {
			continue
		}
		prod[c.Name] = true
		names = append(names, c.Name)
		for _, src := range c.Sources {
			if src.Resolved && src.Branch == prodBranch {
				read[source.NormalizeURL(src.URL)] = true
			}
		}
	}
	for _, r := range candidates {
		if read[r.URL] {
			out.Repositories = append(out.Repositories, r)
		}
	}
	only := func(fl *model.Fleet) *model.Fleet {
		o := &model.Fleet{Version: fl.Version}
		for _, c := range fl.Clusters {
			if prod[c.Name] {
				o.Clusters = append(o.Clusters, c)
			}
		}
		return o
	}
	if len(names) == 0 || len(out.Repositories) == 0 {
		// Nothing to promote: every production cluster stays as it is.
		out.Clusters = diff.Fleets(only(bfl), only(bfl))
		return out, nil
	}
	if !fleetPromoted {
		// The cluster folders are the same: only production clusters are
		// rendered again; the others complete the fleet for the rules.
		head.Clusters = names
	}
	var bres waiver.Result
	var berr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		bres, berr = judge(ctx, brd, bfl, nil, cat, cfg, today)
	}()
	h, herr := evaluateSide(ctx, head, bfl, cat, cfg, today)
	wg.Wait()
	if berr != nil {
		return nil, berr
	}
	if herr != nil {
		return nil, fmt.Errorf("the promoted render: %w", herr)
	}
	for _, c := range h.fleet.Clusters {
		if followsProduction(c, prodBranch) {
			prod[c.Name] = true
		}
	}
	out.Clusters = diff.Fleets(only(bfl), only(h.fleet))
	diff.Findings(out.Clusters, bres.Findings, h.result.Findings)
	return out, nil
}

// followsProduction: the cluster's runtime-info ENVIRONMENT is production,
// its GIT_BRANCH is the production branch, or it reads a source there.
func followsProduction(c *model.Cluster, prodBranch string) bool {
	if c.Environment == "production" || c.RuntimeInfo["GIT_BRANCH"] == prodBranch {
		return true
	}
	for _, s := range c.Sources {
		if s.Resolved && s.Branch == prodBranch {
			return true
		}
	}
	return false
}

// promotedOptions returns the render options in which the production
// branch of every repository that has one holds its main branch, and
// those repositories, sorted by URL. res resolves both branches (it must
// stay open while the options are used: main's copies live in it).
func promotedOptions(res *source.Resolver, opts render.Options, mainBranch, prodBranch string) (head render.Options, repos []PromotedRepository, fleetPromoted bool, err error) {
	for _, m := range opts.Sources {
		if err := res.AddMapping(m); err != nil {
			return opts, nil, false, usageError{err}
		}
	}
	// The fleet, mapped as the renderer maps it.
	fleetBranch := render.FleetBranches(opts)
	for _, u := range sortedKeys(fleetBranch) {
		if err := res.AddMapping(source.Mapping{URL: u, Path: opts.FleetPath, Branch: fleetBranch[u]}); err != nil {
			return opts, nil, false, usageError{err}
		}
	}
	var urls []string
	seen := map[string]bool{}
	for _, m := range res.Mappings() {
		u := source.NormalizeURL(m.URL)
		if !seen[u] {
			seen[u] = true
			urls = append(urls, u)
		}
	}
	sort.Strings(urls)

	head = opts
	head.Sources = append([]source.Mapping(nil), opts.Sources...)
	for _, u := range urls {
		prod, err := res.Resolve(u, source.Ref{Branch: prodBranch}, "")
		if errors.Is(err, source.ErrRefNotFound) {
			continue // no production branch: nothing to promote
		}
		if err != nil {
			return opts, nil, false, fmt.Errorf("reading branch %s of %s: %w", prodBranch, u, err)
		}
		main, err := res.Resolve(u, source.Ref{Branch: mainBranch}, "")
		if errors.Is(err, source.ErrRefNotFound) {
			continue // no main branch: nothing to promote from
		}
		if err != nil {
			return opts, nil, false, fmt.Errorf("reading branch %s of %s: %w", mainBranch, u, err)
		}
		if prod.ID == main.ID {
			continue // already promoted
		}
		repos = append(repos, PromotedRepository{URL: u, From: prod.Commit, To: main.Commit})
		if b, ok := fleetBranch[u]; ok && b == prodBranch {
			// The fleet's working tree stands for production: main's copy
			// takes its place, and the repository's other branches are still
			// read from its git objects.
			head.FleetPath, head.FleetBranch, fleetPromoted = main.Dir, prodBranch, true
			if _, err := os.Lstat(filepath.Join(opts.FleetPath, ".git")); err == nil {
				head.Sources = append(head.Sources, source.Mapping{URL: u, Path: opts.FleetPath})
			}
			continue
		}
		kept := head.Sources[:0:0]
		for _, m := range head.Sources {
			if source.NormalizeURL(m.URL) == u && m.Branch == prodBranch {
				continue
			}
			kept = append(kept, m)
		}
		head.Sources = append(kept, source.Mapping{URL: u, Path: main.Dir, Branch: prodBranch})
	}
	return head, repos, fleetPromoted, nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
