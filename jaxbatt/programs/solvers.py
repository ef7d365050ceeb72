"""jaxbatt's own test programs: arc-dsl style solvers for ARC-AGI-1 training tasks.

Written for jaxbatt (not taken from arc-dsl's solver collection). Each solver is a
straight-line program over the DSL: one primitive call per line, higher-order use through
rbind/lbind/compose/chain/fork/matcher/power/branch. The comment above each solver names
what it exercises. tests/test_programs.py checks every solver on all train and test pairs.
"""
from jaxbatt.dsl_py import *


# exercises: upscale, hconcat, vconcat, cellwise (fractal tiling)
def solve_007bbfb7(I):
    x1 = upscale(I, THREE)
    x2 = hconcat(I, I)
    x3 = hconcat(x2, I)
    x4 = vconcat(x3, x3)
    x5 = vconcat(x4, x3)
    O = cellwise(x1, x5, ZERO)
    return O


# exercises: hsplit with an odd width (separator column dropped), cellwise, replace
def solve_0520fde7(I):
    x1 = hsplit(I, TWO)
    x2 = first(x1)
    x3 = last(x1)
    x4 = cellwise(x2, x3, ZERO)
    O = replace(x4, ONE, TWO)
    return O


# exercises: switch chained four times (pure colour permutation)
def solve_0d3d703e(I):
    x1 = switch(I, THREE, FOUR)
    x2 = switch(x1, EIGHT, NINE)
    x3 = switch(x2, TWO, SIX)
    O = switch(x3, ONE, FIVE)
    return O


# exercises: portrait, tophalf, lefthalf, branch on a boolean value
def solve_7b7f7511(I):
    x1 = portrait(I)
    x2 = tophalf(I)
    x3 = lefthalf(I)
    O = branch(x1, x2, x3)
    return O


# exercises: palette, other, colorcount, astuple, canvas (shape change to 1xN)
def solve_d631b094(I):
    x1 = palette(I)
    x2 = other(x1, ZERO)
    x3 = colorcount(I, x2)
    x4 = astuple(ONE, x3)
    O = canvas(x2, x4)
    return O


# exercises: objects(univalued=T, diagonal=F, without_bg=T), argmax with compose, color
def solve_445eab21(I):
    x1 = objects(I, T, F, T)
    x2 = compose(size, backdrop)
    x3 = argmax(x1, x2)
    x4 = color(x3)
    O = canvas(x4, TWO_BY_TWO)
    return O


# exercises: objects(univalued=F, diagonal=T, without_bg=T), extract, rbind, compose,
# subgrid, mostcolor of an object, replace
def solve_5117e062(I):
    x1 = objects(I, F, T, T)
    x2 = rbind(colorcount, EIGHT)
    x3 = compose(positive, x2)
    x4 = extract(x1, x3)
    x5 = subgrid(x4, I)
    x6 = mostcolor(x4)
    O = replace(x5, EIGHT, x6)
    return O


# exercises: objects(univalued=T, diagonal=F, without_bg=T), mapply over delta, underfill
def solve_3aa6fb7a(I):
    x1 = objects(I, T, F, T)
    x2 = mapply(delta, x1)
    O = underfill(I, ONE, x2)
    return O


# exercises: objects, colorfilter, first, gravitate, move
def solve_05f2a901(I):
    x1 = objects(I, T, F, T)
    x2 = colorfilter(x1, TWO)
    x3 = first(x2)
    x4 = colorfilter(x1, EIGHT)
    x5 = first(x4)
    x6 = gravitate(x3, x5)
    O = move(I, x3, x6)
    return O


# exercises: objects(univalued=T, diagonal=F, without_bg=F), colorfilter, valmax,
# argmin with ties (several smallest regions; only their common size is used), sizefilter,
# merge, fill
def solve_6455b5f5(I):
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = valmax(x2, size)
    x4 = argmin(x2, size)
    x5 = size(x4)
    x6 = sizefilter(x2, x3)
    x7 = sizefilter(x2, x5)
    x8 = merge(x6)
    x9 = merge(x7)
    x10 = fill(I, ONE, x8)
    O = fill(x10, EIGHT, x9)
    return O


# exercises: order with compose(invert, size), interval, papply over two tuples, merge
# of a tuple, paint
def solve_08ed6ac7(I):
    x1 = objects(I, T, F, T)
    x2 = compose(invert, size)
    x3 = order(x1, x2)
    x4 = size(x3)
    x5 = increment(x4)
    x6 = interval(ONE, x5, ONE)
    x7 = papply(recolor, x6, x3)
    x8 = merge(x7)
    O = paint(I, x8)
    return O


# exercises: connect, box, recolor, occurrences, insert, dneighbors, lbind(shift, .),
# mapply, fill, paint (shifted patterns)
def solve_6c434453(I):
    x1 = connect(ORIGIN, TWO_BY_TWO)
    x2 = box(x1)
    x3 = recolor(ONE, x2)
    x4 = occurrences(I, x3)
    x5 = lbind(shift, x2)
    x6 = mapply(x5, x4)
    x7 = fill(I, ZERO, x6)
    x8 = dneighbors(UNITY)
    x9 = insert(UNITY, x8)
    x10 = recolor(TWO, x9)
    x11 = lbind(shift, x10)
    x12 = mapply(x11, x4)
    O = paint(x7, x12)
    return O


# exercises: objects(univalued=T, diagonal=F, without_bg=F), colorfilter, rbind(bordering),
# compose(flip, .), mfilter, fill
def solve_a5313dff(I):
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = rbind(bordering, I)
    x4 = compose(flip, x3)
    x5 = mfilter(x2, x4)
    O = fill(I, ONE, x5)
    return O


# exercises: mapply(delta), replace, fill (interiors of hollow rectangles)
def solve_d5d6de2d(I):
    x1 = objects(I, T, F, T)
    x2 = mapply(delta, x1)
    x3 = replace(I, TWO, ZERO)
    O = fill(x3, THREE, x2)
    return O


# exercises: ofcolor, prapply(connect), fork(either, vline, hline), mfilter, underfill
def solve_dbc1a6ce(I):
    x1 = ofcolor(I, ONE)
    x2 = prapply(connect, x1, x1)
    x3 = fork(either, vline, hline)
    x4 = mfilter(x2, x3)
    O = underfill(I, EIGHT, x4)
    return O


# exercises: sizefilter, outbox (cells leaving the grid), mapply, underfill
def solve_b27ca6d3(I):
    x1 = objects(I, T, F, T)
    x2 = sizefilter(x1, TWO)
    x3 = mapply(outbox, x2)
    O = underfill(I, THREE, x3)
    return O


# exercises: shift by constant diagonals (cells leaving the grid), fill, replace
def solve_a9f96cdd(I):
    x1 = ofcolor(I, TWO)
    x2 = replace(I, TWO, ZERO)
    x3 = shift(x1, NEG_UNITY)
    x4 = fill(x2, THREE, x3)
    x5 = shift(x1, UP_RIGHT)
    x6 = fill(x4, SIX, x5)
    x7 = shift(x1, DOWN_LEFT)
    x8 = fill(x6, EIGHT, x7)
    x9 = shift(x1, UNITY)
    O = fill(x8, SEVEN, x9)
    return O


# exercises: ineighbors/dneighbors via mapply, fill
def solve_0ca9ddb6(I):
    x1 = ofcolor(I, TWO)
    x2 = mapply(ineighbors, x1)
    x3 = fill(I, FOUR, x2)
    x4 = ofcolor(I, ONE)
    x5 = mapply(dneighbors, x4)
    O = fill(x3, SEVEN, x5)
    return O


# exercises: downscale with noise, replace
def solve_5614dbcf(I):
    x1 = downscale(I, THREE)
    O = replace(x1, FIVE, ZERO)
    return O


# exercises: objects(univalued=F, diagonal=F, without_bg=T), first, subgrid, dedupe on
# grid rows, dmirror (shape change)
def solve_90c28cc7(I):
    x1 = objects(I, F, F, T)
    x2 = first(x1)
    x3 = subgrid(x2, I)
    x4 = dedupe(x3)
    x5 = dmirror(x4)
    x6 = dedupe(x5)
    O = dmirror(x6)
    return O


# exercises: shoot (lines leaving the grid), rbind, compose, fork(recolor, ...), mapply, paint
def solve_d037b0a7(I):
    x1 = objects(I, T, F, T)
    x2 = rbind(shoot, DOWN)
    x3 = compose(x2, center)
    x4 = fork(recolor, color, x3)
    x5 = mapply(x4, x1)
    O = paint(I, x5)
    return O


# exercises: frontiers, merge, fill
def solve_c1d99e64(I):
    x1 = frontiers(I)
    x2 = merge(x1)
    O = fill(I, TWO, x2)
    return O


# exercises: partition, argmax over sizes, shape, canvas, paint
def solve_9565186b(I):
    x1 = partition(I)
    x2 = argmax(x1, size)
    x3 = shape(I)
    x4 = canvas(FIVE, x3)
    O = paint(x4, x2)
    return O


# exercises: palette, other, switch, replace
def solve_f76d97a5(I):
    x1 = palette(I)
    x2 = other(x1, FIVE)
    x3 = switch(I, FIVE, x2)
    O = replace(x3, FIVE, ZERO)
    return O


# exercises: objects(univalued=T, diagonal=T, without_bg=T), totuple, apply on a tuple
# (keeps duplicates), leastcommon, matcher, extract, recolor
def solve_b230c067(I):
    x1 = objects(I, T, T, T)
    x2 = totuple(x1)
    x3 = apply(normalize, x2)
    x4 = leastcommon(x3)
    x5 = matcher(normalize, x4)
    x6 = extract(x1, x5)
    x7 = replace(I, EIGHT, ONE)
    x8 = recolor(TWO, x6)
    O = paint(x7, x8)
    return O


# exercises: sizefilter, merge, replace, fill
def solve_d2abd087(I):
    x1 = objects(I, T, F, T)
    x2 = sizefilter(x1, SIX)
    x3 = merge(x2)
    x4 = replace(I, FIVE, ONE)
    O = fill(x4, TWO, x3)
    return O


# exercises: partition, order by leftmost/uppermost, apply(color) on a tuple, repeat as a
# 1xN grid, dmirror, portrait, branch
def solve_4be741c5(I):
    x1 = partition(I)
    x2 = order(x1, leftmost)
    x3 = apply(color, x2)
    x4 = repeat(x3, ONE)
    x5 = order(x1, uppermost)
    x6 = apply(color, x5)
    x7 = repeat(x6, ONE)
    x8 = dmirror(x7)
    x9 = portrait(I)
    O = branch(x9, x8, x4)
    return O


# exercises: fgpartition, argmax, remove, order by compose(invert, size), apply, repeat,
# dmirror
def solve_f8b3ba0a(I):
    x1 = fgpartition(I)
    x2 = argmax(x1, size)
    x3 = remove(x2, x1)
    x4 = compose(invert, size)
    x5 = order(x3, x4)
    x6 = apply(color, x5)
    x7 = repeat(x6, ONE)
    O = dmirror(x7)
    return O


# exercises: fgpartition, fork(recolor, color, backdrop), mapply, paint
def solve_56ff96f3(I):
    x1 = fgpartition(I)
    x2 = fork(recolor, color, backdrop)
    x3 = mapply(x2, x1)
    O = paint(I, x3)
    return O


# exercises: objects(univalued=T, diagonal=F, without_bg=F), colorfilter, sizefilter, merge
def solve_aedd82e4(I):
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, TWO)
    x3 = sizefilter(x2, ONE)
    x4 = merge(x3)
    O = fill(I, ONE, x4)
    return O


# exercises: neighbors via mapply, fill, replace
def solve_ce22a75a(I):
    x1 = ofcolor(I, FIVE)
    x2 = mapply(neighbors, x1)
    x3 = fill(I, ONE, x2)
    O = replace(x3, FIVE, ONE)
    return O


# exercises: rot90, rot180, rot270, hconcat, vconcat (grid doubles)
def solve_46442a0e(I):
    x1 = rot90(I)
    x2 = rot180(I)
    x3 = rot270(I)
    x4 = hconcat(I, x1)
    x5 = hconcat(x3, x2)
    O = vconcat(x4, x5)
    return O


# exercises: vmirror, hmirror, hconcat, vconcat
def solve_62c24649(I):
    x1 = vmirror(I)
    x2 = hconcat(I, x1)
    x3 = hmirror(x2)
    O = vconcat(x2, x3)
    return O


# exercises: objects(univalued=F, diagonal=F, without_bg=F) (the whole grid as one
# object), first, move with cover (the bottom row leaves the grid)
def solve_25ff71a9(I):
    x1 = objects(I, F, F, F)
    x2 = first(x1)
    O = move(I, x2, DOWN)
    return O


# exercises: objects(univalued=T, diagonal=F, without_bg=F), argmax by size, subgrid,
# trim (shape change)
def solve_1c786137(I):
    x1 = objects(I, T, F, F)
    x2 = argmax(x1, size)
    x3 = subgrid(x2, I)
    O = trim(x3)
    return O


# exercises: vsplit with an odd height (separator row dropped), cellwise, replace
def solve_3428a4f5(I):
    x1 = vsplit(I, TWO)
    x2 = first(x1)
    x3 = last(x1)
    x4 = cellwise(x2, x3, THREE)
    O = replace(x4, TWO, ZERO)
    return O


# exercises: shape, maximum on a pair, divide, vsplit/hsplit by a computed count, branch,
# rbind(ofcolor), apply on a tuple of grids, leastcommon, matcher, extract from a tuple
def solve_a87f7484(I):
    x1 = shape(I)
    x2 = maximum(x1)
    x3 = divide(x2, THREE)
    x4 = vsplit(I, x3)
    x5 = hsplit(I, x3)
    x6 = portrait(I)
    x7 = branch(x6, x4, x5)
    x8 = rbind(ofcolor, ZERO)
    x9 = apply(x8, x7)
    x10 = leastcommon(x9)
    x11 = matcher(x8, x10)
    O = extract(x7, x11)
    return O


# exercises: argmin by size, subgrid (shape change)
def solve_23b5c85d(I):
    x1 = objects(I, T, F, T)
    x2 = argmin(x1, size)
    O = subgrid(x2, I)
    return O


# exercises: objects(univalued=T, diagonal=T, without_bg=T), sizefilter, merge, cover
def solve_42a50994(I):
    x1 = objects(I, T, T, T)
    x2 = sizefilter(x1, ONE)
    x3 = merge(x2)
    O = cover(I, x3)
    return O


# exercises: frontiers, sfilter(vline), argmin by leftmost, compress, downscale by a
# computed factor, vmirror
def solve_9f236235(I):
    x1 = frontiers(I)
    x2 = sfilter(x1, vline)
    x3 = argmin(x2, leftmost)
    x4 = leftmost(x3)
    x5 = compress(I)
    x6 = downscale(x5, x4)
    O = vmirror(x6)
    return O


# exercises: objects(univalued=T, diagonal=T, without_bg=F) (blue is the most common
# colour here), colorfilter, rbind(subgrid, I), compose, argmax, subgrid
def solve_8efcae92(I):
    x1 = objects(I, T, T, F)
    x2 = colorfilter(x1, ONE)
    x3 = rbind(subgrid, I)
    x4 = rbind(colorcount, TWO)
    x5 = compose(x4, x3)
    x6 = argmax(x2, x5)
    O = subgrid(x6, I)
    return O


# exercises: size of a set of objects, last on a set (all candidates share one colour),
# astuple, canvas, shoot along the diagonal (leaving the grid), fill
def solve_d0f5fe59(I):
    x1 = objects(I, T, T, T)
    x2 = size(x1)
    x3 = last(x1)
    x4 = color(x3)
    x5 = astuple(x2, x2)
    x6 = canvas(ZERO, x5)
    x7 = shoot(ORIGIN, UNITY)
    O = fill(x6, x4, x7)
    return O


# exercises: argmax/argmin by size, replace, fill
def solve_a61f2674(I):
    x1 = objects(I, T, F, T)
    x2 = argmax(x1, size)
    x3 = argmin(x1, size)
    x4 = replace(I, FIVE, ZERO)
    x5 = fill(x4, ONE, x2)
    O = fill(x5, TWO, x3)
    return O


# exercises: lbind(subtract), compose, fork(recolor, ., identity), mapply, paint
def solve_6e82a1ae(I):
    x1 = objects(I, T, F, T)
    x2 = lbind(subtract, FIVE)
    x3 = compose(x2, size)
    x4 = fork(recolor, x3, identity)
    x5 = mapply(x4, x1)
    O = paint(I, x5)
    return O


# exercises: objects with the background kept (green may be the most common colour),
# colorfilter, rbind(greater), compose, mfilter, fill
def solve_67385a82(I):
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, THREE)
    x3 = rbind(greater, ONE)
    x4 = compose(x3, size)
    x5 = mfilter(x2, x4)
    O = fill(I, EIGHT, x5)
    return O


# exercises: urcorner, shoot in diagonal directions (leaving the grid), rbind(shoot, LEFT),
# mapply, fill, paint
def solve_a65b410d(I):
    x1 = objects(I, T, F, T)
    x2 = first(x1)
    x3 = urcorner(x2)
    x4 = shoot(x3, UP_RIGHT)
    x5 = shoot(x3, DOWN_LEFT)
    x6 = rbind(shoot, LEFT)
    x7 = mapply(x6, x4)
    x8 = mapply(x6, x5)
    x9 = fill(I, THREE, x7)
    x10 = fill(x9, ONE, x8)
    O = paint(x10, x2)
    return O


# exercises: objects(univalued=F, diagonal=T, without_bg=F) (the whole grid), center,
# a set of four functions built with initset/insert, rapply, merge, fill
def solve_ea786f4a(I):
    x1 = objects(I, F, T, F)
    x2 = first(x1)
    x3 = center(x2)
    x4 = rbind(shoot, UNITY)
    x5 = rbind(shoot, NEG_UNITY)
    x6 = rbind(shoot, UP_RIGHT)
    x7 = rbind(shoot, DOWN_LEFT)
    x8 = initset(x4)
    x9 = insert(x5, x8)
    x10 = insert(x6, x9)
    x11 = insert(x7, x10)
    x12 = rapply(x11, x3)
    x13 = merge(x12)
    O = fill(I, ZERO, x13)
    return O


# exercises: numcolors, decrement, upscale by a computed factor
def solve_b91ae062(I):
    x1 = numcolors(I)
    x2 = decrement(x1)
    O = upscale(I, x2)
    return O


# exercises: power(rot90, 2), initset of a function, rapply, first on a set of grids
def solve_3c9b0459(I):
    x1 = power(rot90, TWO)
    x2 = initset(x1)
    x3 = rapply(x2, I)
    O = first(x3)
    return O


# exercises: totuple, apply(normalize) keeping duplicates, mostcommon, canvas, paint
def solve_39a8645d(I):
    x1 = objects(I, T, T, T)
    x2 = totuple(x1)
    x3 = apply(normalize, x2)
    x4 = mostcommon(x3)
    x5 = canvas(ZERO, THREE_BY_THREE)
    O = paint(x5, x4)
    return O


# exercises: argmax by size, subgrid
def solve_be94b721(I):
    x1 = objects(I, T, T, T)
    x2 = argmax(x1, size)
    O = subgrid(x2, I)
    return O


# exercises: vsplit, rbind(hsplit), apply over a tuple of grids, merge of a tuple of
# tuples, argmax over grids by numcolors
def solve_2dc579da(I):
    x1 = vsplit(I, TWO)
    x2 = rbind(hsplit, TWO)
    x3 = apply(x2, x1)
    x4 = merge(x3)
    O = argmax(x4, numcolors)
    return O


# exercises: chain(toivec, invert, height), fork(shift, identity, .), mapply, merge, cover,
# paint (objects move up by their own height)
def solve_5521c0d9(I):
    x1 = objects(I, T, F, T)
    x2 = chain(toivec, invert, height)
    x3 = fork(shift, identity, x2)
    x4 = mapply(x3, x1)
    x5 = merge(x1)
    x6 = cover(I, x5)
    O = paint(x6, x4)
    return O


# exercises: tojvec, crop at a fixed window (shape change)
def solve_5bd6f4ac(I):
    x1 = tojvec(SIX)
    O = crop(I, x1, THREE_BY_THREE)
    return O


# exercises: argmax with ties (several largest objects, only their common size is used),
# sizefilter, order by leftmost, apply(color) on a tuple, repeat as grid rows
def solve_a3325580(I):
    x1 = objects(I, T, F, T)
    x2 = argmax(x1, size)
    x3 = size(x2)
    x4 = sizefilter(x1, x3)
    x5 = order(x4, leftmost)
    x6 = apply(color, x5)
    O = repeat(x6, x3)
    return O


# exercises: size of a set, astuple, repeat, merge of a grid into a flat tuple, hconcat,
# crop, hsplit, merge of a tuple of grids (1x9 row reshaped to 3x3)
def solve_ff28f65a(I):
    x1 = objects(I, T, F, T)
    x2 = size(x1)
    x3 = astuple(ONE, ZERO)
    x4 = repeat(x3, x2)
    x5 = merge(x4)
    x6 = repeat(x5, ONE)
    x7 = astuple(ONE, NINE)
    x8 = canvas(ZERO, x7)
    x9 = hconcat(x6, x8)
    x10 = crop(x9, ORIGIN, x7)
    x11 = hsplit(x10, THREE)
    O = merge(x11)
    return O


# exercises: index, ofcolor (the colour may be the most common one), width, halve,
# vupscale (grid grows), urcorner, shoot (leaving the grid), rbind(shoot, LEFT), mapply, fill
def solve_bbc9ae5d(I):
    x1 = index(I, ORIGIN)
    x2 = ofcolor(I, x1)
    x3 = width(I)
    x4 = halve(x3)
    x5 = vupscale(I, x4)
    x6 = urcorner(x2)
    x7 = shoot(x6, UNITY)
    x8 = rbind(shoot, LEFT)
    x9 = mapply(x8, x7)
    O = fill(x5, x1, x9)
    return O


# exercises: halve, tojvec, vfrontier, asindices, difference, fill
def solve_d23f8c26(I):
    x1 = width(I)
    x2 = halve(x1)
    x3 = tojvec(x2)
    x4 = vfrontier(x3)
    x5 = asindices(I)
    x6 = difference(x5, x4)
    O = fill(I, ZERO, x6)
    return O


# exercises: objects(univalued=F, diagonal=F, without_bg=T), subgrid, vmirror
def solve_7468f01a(I):
    x1 = objects(I, F, F, T)
    x2 = first(x1)
    x3 = subgrid(x2, I)
    O = vmirror(x3)
    return O


# exercises: objects(univalued=F, diagonal=T, without_bg=T), ulcorner, crop
def solve_2013d3e2(I):
    x1 = objects(I, F, T, T)
    x2 = first(x1)
    x3 = ulcorner(x2)
    O = crop(I, x3, THREE_BY_THREE)
    return O


# exercises: apply(first/last) on a frozenset of cells (duplicates merge), remove,
# product, decrement, fill
def solve_2281f1f4(I):
    x1 = ofcolor(I, FIVE)
    x2 = apply(first, x1)
    x3 = remove(ZERO, x2)
    x4 = apply(last, x1)
    x5 = width(I)
    x6 = decrement(x5)
    x7 = remove(x6, x4)
    x8 = product(x3, x7)
    O = fill(I, TWO, x8)
    return O


# exercises: hperiod, divide, multiply, double, tojvec, hupscale (grid widens), shift with
# cells leaving the grid, paint
def solve_963e52fc(I):
    x1 = objects(I, F, F, T)
    x2 = first(x1)
    x3 = hperiod(x2)
    x4 = width(I)
    x5 = divide(x4, x3)
    x6 = multiply(x5, x3)
    x7 = tojvec(x6)
    x8 = double(x6)
    x9 = tojvec(x8)
    x10 = shift(x2, x7)
    x11 = shift(x2, x9)
    x12 = hupscale(I, TWO)
    x13 = paint(x12, x2)
    x14 = paint(x13, x10)
    O = paint(x14, x11)
    return O


# exercises: ofcolor, toobject, position, move
def solve_dc433765(I):
    x1 = ofcolor(I, THREE)
    x2 = ofcolor(I, FOUR)
    x3 = position(x1, x2)
    x4 = toobject(x1, I)
    O = move(I, x4, x3)
    return O


# exercises: apply(ulcorner/urcorner/llcorner/lrcorner) on a set of objects, shift by
# diagonal unit vectors, fill
def solve_95990924(I):
    x1 = objects(I, T, F, T)
    x2 = apply(ulcorner, x1)
    x3 = shift(x2, NEG_UNITY)
    x4 = fill(I, ONE, x3)
    x5 = apply(urcorner, x1)
    x6 = shift(x5, UP_RIGHT)
    x7 = fill(x4, TWO, x6)
    x8 = apply(llcorner, x1)
    x9 = shift(x8, DOWN_LEFT)
    x10 = fill(x7, THREE, x9)
    x11 = apply(lrcorner, x1)
    x12 = shift(x11, UNITY)
    O = fill(x10, FOUR, x12)
    return O


# exercises: compose(backdrop, inbox), mapply, fill (interiors of solid rectangles)
def solve_50cb2852(I):
    x1 = objects(I, T, F, T)
    x2 = compose(backdrop, inbox)
    x3 = mapply(x2, x1)
    O = fill(I, EIGHT, x3)
    return O


# exercises: vmirror, equality of grids, branch on ints, canvas
def solve_44f52bb0(I):
    x1 = vmirror(I)
    x2 = equality(I, x1)
    x3 = branch(x2, ONE, SEVEN)
    O = canvas(x3, UNITY)
    return O


# exercises: shift left/right, intersection, fill
def solve_a699fb00(I):
    x1 = ofcolor(I, ONE)
    x2 = shift(x1, LEFT)
    x3 = shift(x1, RIGHT)
    x4 = intersection(x2, x3)
    O = fill(I, TWO, x4)
    return O


# exercises: objects(univalued=F, diagonal=T, without_bg=T), colorfilter, argmax, center,
# subtract, shift, cover, underpaint
def solve_88a10436(I):
    x1 = objects(I, F, T, T)
    x2 = colorfilter(x1, FIVE)
    x3 = first(x2)
    x4 = argmax(x1, size)
    x5 = center(x3)
    x6 = center(x4)
    x7 = subtract(x5, x6)
    x8 = shift(x4, x7)
    x9 = cover(I, x3)
    O = underpaint(x9, x8)
    return O
