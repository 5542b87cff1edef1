// Stands in for a personalised-recommendation widget.
window.demoTagRan('tag-personalization');
document.getElementById('recommendations')?.insertAdjacentHTML('beforeend',
  '<li><strong>根据您的浏览推荐</strong><span>Based on your browsing</span></li>');
