// Package chart draws the console's charts as inline SVG go-app
// components: TimeSeries (impressions, clicks, checkouts, sales or revenue
// over days) and Funnel (impressions → clicks → checkouts → sales with the
// step conversion rates).
//
// Every chart is readable without its colors and without its pixels:
// series differ by dash pattern and marker as well as color, a legend
// names them, the SVG carries a <title> and a <desc> summary, and a
// visually hidden table holds every number the chart draws. The layout
// math (ticks, scales, path strings, label thinning) lives in plain
// functions so it can be tested without rendering.
//
// SVG elements are made with svgElem, which sets the SVG namespace on each
// one: go-app creates every element with document.createElementNS of its
// own XMLNS and does not inherit the parent's, so an app.Elem("path")
// without it would be an unknown HTML element in the browser. The server
// prerender writes plain tags, which the HTML parser puts in the SVG
// namespace by itself.
//
// Values that come from data (series names, formatted numbers) are written
// only as text, never into attributes: go-app's server encoder quotes
// attribute values with strconv.Quote rather than HTML escaping them.
package chart
