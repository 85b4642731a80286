package d1lint.rules.build.render_problem

report contains "nothing"
