/* ax-charts.h — all of Auspex's chart widgets */
#pragma once

#include "ax-chart.h"
#include "ax-bar-chart.h"
#include "ax-heatmap-chart.h"
#include "ax-histogram-chart.h"
#include "ax-line-chart.h"
#include "ax-roc-chart.h"
#include "ax-scatter-chart.h"
