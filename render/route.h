/* route.h - orthogonal edge routing on the layout grid (internal to render/).
 *
 * Boxes, label text and cluster titles are obstacles; cluster frames may be
 * crossed at right angles. Edges leave a box at its bottom (or a side), enter
 * a box from the top (or a side) through an arrowhead cell, pass a label's
 * channel column vertically, may merge with edges to the same target, and
 * cross other edges only at right angles. A* on (cell, direction) with a cost
 * per step and per bend. */
#ifndef STC_RENDER_ROUTE_H
#define STC_RENDER_ROUTE_H

#include "core/diag.h"
#include "render/layout.h"

/* Fill path/path_len/arrow of every edge of `l` (positions must be set).
 * Edges that cannot be routed keep path_len 0 and get a warning (STC810).
 * Returns the number of unrouted edges. */
int stc_route_edges(stc_layout *l, stc_diags *diags);

#endif
