// The ECharts that web/static/charts.js draws with: the core API (init,
// registerMap, getInstanceByDom, ...) as the global `echarts`, with only
// the series, components and renderers that the server's chart options
// use. A series type or component left out here is skipped without a
// warning (a "pie" series draws nothing): add it below and rebuild (see
// web/static/VENDORED.md).
import { use } from "echarts/core";
import { BarChart, LineChart, LinesChart, MapChart, SankeyChart, ScatterChart } from "echarts/charts";
import { GeoComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapContinuousComponent } from "echarts/components";
import { CanvasRenderer, SVGRenderer } from "echarts/renderers";

use([
  // Dashboards, pivot and public statistics: line and bar on a grid, the
  // world map (series "map"), the Sankey diagram of routes, and the flow
  // map (series "lines" and "scatter" on a "geo" component).
  LineChart, BarChart, MapChart, SankeyChart, LinesChart, ScatterChart,
  // Tooltips (with their axis pointer), the scrolling legend, the
  // cartesian grid with its axes, the colour scale of the maps.
  GridComponent, GeoComponent, TooltipComponent, LegendComponent, VisualMapContinuousComponent,
  // SVG on the page (and for the SVG download), canvas for the maps and
  // the PNG download.
  SVGRenderer, CanvasRenderer,
]);

export * from "echarts/core";
